package captioner.data.cs231n;

import captioner.data.FeatureKind;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small cs231n directory built in code with jhdf's writer. The fields hold what will be written and may be
 * replaced or removed (set to null) by a test to make one thing wrong; {@link #write} writes them all.
 *
 * <p>Valid by default: vocabulary of 8 words, captions of 5 tokens, 4 features per image, train 6 captions over
 * 3 images, val 4 captions over 2 images, urls for both splits.
 */
public final class Fixture {
    public static final int T = 5;
    public static final int D = 4;

    public String vocabJson = "{\"idx_to_word\": [\"<NULL>\", \"<START>\", \"<END>\", \"<UNK>\", \"a\", \"cat\", \"dog\", "
            + "\"sits\"], \"word_to_idx\": {\"<NULL>\": 0, \"<START>\": 1, \"<END>\": 2, \"<UNK>\": 3, \"a\": 4, "
            + "\"cat\": 5, \"dog\": 6, \"sits\": 7}}";

    /** Datasets of coco2014_captions.h5, by name; null values are left out. */
    public final Map<String, Object> captions = new LinkedHashMap<>();
    /** The 'features' dataset of each split's PCA file, by split; null leaves the file out. */
    public final Map<String, Object> features = new LinkedHashMap<>();
    /** The content of each split's urls file, by split; null leaves the file out. */
    public final Map<String, String> urls = new LinkedHashMap<>();
    /** Write every dataset chunked and deflate-compressed instead of contiguous. */
    public boolean chunked;
    /** With {@link #chunked}: whether the chunks are compressed (shuffle and deflate) or stored as they are. */
    public boolean compressed = true;

    public Fixture() {
        captions.put("train_captions", new int[][] {
            {1, 4, 5, 2, 0}, {1, 4, 6, 7, 2}, {1, 5, 7, 2, 0}, {1, 6, 2, 0, 0}, {1, 4, 3, 7, 2}, {1, 7, 2, 0, 0}});
        captions.put("train_image_idxs", new int[] {0, 1, 0, 2, 1, 2});
        captions.put("val_captions", new int[][] {{1, 5, 2, 0, 0}, {1, 6, 7, 2, 0}, {1, 4, 5, 7, 2}, {1, 3, 2, 0, 0}});
        captions.put("val_image_idxs", new int[] {1, 0, 1, 0});
        features.put("train", new float[][] {{1.5f, -2f, 0f, 3f}, {0.25f, 8f, -1f, 2f}, {-7f, 0.5f, 4f, 1f}});
        features.put("val", new float[][] {{2f, 2f, -2f, 0.125f}, {9f, -3f, 1f, 1f}});
        urls.put("train", "http://x/t0.jpg\nhttp://x/t1.jpg\nhttp://x/t2.jpg\n");
        urls.put("val", "http://x/v0.jpg\nhttp://x/v1.jpg\n");
    }

    public Fixture chunked() {
        chunked = true;
        return this;
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Cs231nLayout.VOCAB_FILE), vocabJson, StandardCharsets.UTF_8);
        writeH5(dir.resolve(Cs231nLayout.CAPTIONS_FILE), captions);
        for (Map.Entry<String, Object> e : features.entrySet()) {
            if (e.getValue() != null) {
                writeH5(dir.resolve(FeatureKind.PCA.fileName(e.getKey())), Map.of("features", e.getValue()));
            }
        }
        for (Map.Entry<String, String> e : urls.entrySet()) {
            if (e.getValue() != null) {
                Files.writeString(dir.resolve(Cs231nLayout.urlsFile(e.getKey())), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        return dir;
    }

    private void writeH5(Path file, Map<String, Object> datasets) {
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            for (Map.Entry<String, Object> e : datasets.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                if (chunked && compressed) {
                    h5.putDataset(e.getKey(), e.getValue(), DatasetCreationOptions.builder()
                            .chunkDimensions(chunkOf(e.getValue())).shuffle().deflate(6).build());
                } else if (chunked) {
                    h5.putDataset(e.getKey(), e.getValue(), DatasetCreationOptions.builder()
                            .chunkDimensions(chunkOf(e.getValue())).build());
                } else {
                    h5.putDataset(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** Chunks of 2 rows (whole rows), so that every dataset has several chunks and a partial last one. */
    private static int[] chunkOf(Object data) {
        Object first = java.lang.reflect.Array.get(data, 0);
        if (first.getClass().isArray()) {
            return new int[] {2, java.lang.reflect.Array.getLength(first)};
        }
        return new int[] {2};
    }

    /** Writes one HDF5 file holding a contiguous 'features' dataset. */
    public static void writeFeatures(Path file, Object features) {
        writeNamed(file, "features", features);
    }

    /** Writes one HDF5 file holding one contiguous dataset. */
    public static void writeNamed(Path file, String dataset, Object data) {
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            h5.putDataset(dataset, data);
        }
    }

    /** The rows of a 2-D int array as one row-major array. */
    public static int[] flat(int[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    public static float[] flat(float[][] rows) {
        int n = 0;
        for (float[] r : rows) {
            n += r.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, k, r.length);
            k += r.length;
        }
        return out;
    }
}
