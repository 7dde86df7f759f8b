package captioner.data.synthetic;

import captioner.data.FeatureKind;
import captioner.data.VocabularyJson;
import captioner.data.cs231n.Cs231nLayout;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import captioner.model.Vocabulary;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the embedded default dataset: a complete cs231n-layout directory (see {@link Cs231nLayout}) of synthetic
 * scenes that a captioning model can learn, and where generalisation shows: validation images combine colours and
 * objects that training never pairs (see {@link SyntheticWorld} for the scenes, features and held-out rule, and
 * {@link SyntheticCaptions} for the five captions per image).
 *
 * <p>Sizes: {@code images} training images and {@link #valImagesFor}(images) validation images, the ratio of COCO
 * 2014 (82,783 : 40,504), five captions each, caption i describing image i / 5. Output, all deterministic in
 * (images, seed, featureDim):
 * <ul>
 *   <li>{@code coco2014_captions.h5}: {train,val}_captions int32 (5n, 17), chunked and deflate-compressed like a
 *       typical h5py file, and {train,val}_image_idxs int32 (5n);</li>
 *   <li>{@code {train,val}2014_vgg16_fc7_pca.h5}: features float32 (n, featureDim), contiguous (noise does not
 *       compress, and contiguous data is read straight from the mapped file);</li>
 *   <li>{@code coco2014_vocab.json}, and {@code {train,val}2014_urls.txt} of {@link SvgThumbnail} data URLs.</li>
 * </ul>
 * One split's features are built, written and dropped before the next, so memory peaks at one split's features
 * as {@code float[n][featureDim]} (jhdf's writer takes whole arrays) plus the captions. Each file is written
 * aside and renamed ({@link AtomicWrites}), so an interrupted run leaves no half-written file under a real name.
 */
public final class SyntheticDataset {
    public static final int DEFAULT_FEATURE_DIM = 512;
    public static final int CAPTIONS_PER_IMAGE = 5;
    public static final int CAPTION_LENGTH = Cs231nLayout.COCO_CAPTION_LENGTH;
    private static final int CAPTION_CHUNK_ROWS = 8192;

    /** What {@link #write} wrote. */
    public record Summary(String dir, int trainImages, int valImages, int trainCaptions, int valCaptions,
                          int vocabularySize, int featureDim) {
    }

    private SyntheticDataset() {
    }

    /** Validation images for {@code trainImages} training images: COCO's ratio 40,504 / 82,783, at least 1. */
    public static int valImagesFor(int trainImages) {
        return (int) Math.max(1, Math.round(trainImages * 40504.0 / 82783.0));
    }

    /** {@link #write(Location, int, long, int)} into a local folder, with 512 features (cs231n's PCA width). */
    public static Summary write(Path dir, int images, long seed) {
        return write(Location.local(dir), images, seed, DEFAULT_FEATURE_DIM);
    }

    /** {@link #write(Location, int, long, int)} into a local folder. */
    public static Summary write(Path dir, int images, long seed, int featureDim) {
        return write(Location.local(dir), images, seed, featureDim);
    }

    /**
     * @param dir        created if missing; files of the layout already there are replaced
     * @param images     training images (at least 1)
     * @param featureDim feature width (512 like the PCA files)
     */
    public static Summary write(Location dir, int images, long seed, int featureDim) {
        if (images < 1) {
            throw new IllegalArgumentException("images must be at least 1, not " + images);
        }
        if ((long) images * CAPTIONS_PER_IMAGE > Integer.MAX_VALUE / CAPTION_LENGTH) {
            throw new IllegalArgumentException(images + " images are too many captions for one array");
        }
        int valImages = valImagesFor(images);
        SyntheticWorld world = new SyntheticWorld(seed, featureDim);
        dir.mkdirs();

        Vocabulary vocab = world.vocabulary();
        AtomicWrites.write(dir.child(Cs231nLayout.VOCAB_FILE), tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                VocabularyJson.write(vocab, out);
            }
        });
        int[][] trainCaptions = writeSplit(dir, world, Cs231nLayout.TRAIN, images);
        int[][] valCaptions = writeSplit(dir, world, Cs231nLayout.VAL, valImages);
        AtomicWrites.write(dir.child(Cs231nLayout.CAPTIONS_FILE), tmp -> {
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                putCaptions(h5, Cs231nLayout.TRAIN, trainCaptions);
                putCaptions(h5, Cs231nLayout.VAL, valCaptions);
            }
        });
        return new Summary(dir.toString(), images, valImages, trainCaptions.length, valCaptions.length, vocab.size(),
                featureDim);
    }

    /** The URL of image {@code index} of {@code split}. */
    public static String urlOf(SyntheticWorld world, String split, int index) {
        return SvgThumbnail.url(world.scene(split, index));
    }

    /**
     * Builds one split's features and captions, writes its features and urls files, and returns its caption rows
     * for the captions file. The features array is garbage once this returns, before the next split is built.
     */
    private static int[][] writeSplit(Location dir, SyntheticWorld world, String split, int images) {
        float[][] features = new float[images][world.featureDim()];
        int[][] captions = new int[images * CAPTIONS_PER_IMAGE][];
        int[] scratch = new int[CAPTIONS_PER_IMAGE * CAPTION_LENGTH];
        for (int i = 0; i < images; i++) {
            SyntheticScene scene = world.scene(split, i);
            world.features(split, i, scene, features[i]);
            SyntheticCaptions.encode(scene, world.captionRandom(split, i), world.vocabulary(), CAPTIONS_PER_IMAGE,
                    CAPTION_LENGTH, scratch, 0);
            for (int k = 0; k < CAPTIONS_PER_IMAGE; k++) {
                captions[i * CAPTIONS_PER_IMAGE + k] =
                        Arrays.copyOfRange(scratch, k * CAPTION_LENGTH, (k + 1) * CAPTION_LENGTH);
            }
        }
        AtomicWrites.write(dir.child(FeatureKind.PCA.fileName(split)), tmp -> {
            // jhdf's writer takes a whole Java array; a float[][] of rows is what it maps to an (n, d) dataset.
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                h5.putDataset(Cs231nLayout.FEATURES_DATASET, features);
            }
        });
        AtomicWrites.write(dir.child(Cs231nLayout.urlsFile(split)), tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int i = 0; i < images; i++) {
                    w.write(urlOf(world, split, i));
                    w.write('\n');
                }
            }
        });
        return captions;
    }

    private static void putCaptions(WritableHdfFile h5, String split, int[][] captions) {
        int[] imageIdxs = new int[captions.length];
        for (int row = 0; row < captions.length; row++) {
            imageIdxs[row] = row / CAPTIONS_PER_IMAGE;
        }
        DatasetCreationOptions compressed = DatasetCreationOptions.builder()
                .chunkDimensions(Math.min(captions.length, CAPTION_CHUNK_ROWS), CAPTION_LENGTH)
                .deflate(4)
                .build();
        h5.putDataset(Cs231nLayout.captionsDataset(split), captions, compressed);
        h5.putDataset(Cs231nLayout.imageIdxsDataset(split), imageIdxs);
    }
}
