package captioner.data.cs231n;

import java.util.List;

/**
 * File and dataset names of the cs231n COCO directory, shared by the reader and the synthetic writer
 * so the two cannot drift apart.
 *
 * <pre>
 * coco2014_captions.h5          train_captions (Nc, T) int, train_image_idxs (Nc) int, val_* likewise
 * train2014_vgg16_fc7_pca.h5    features (Ni, 512) float32     (FeatureKind.PCA)
 * train2014_vgg16_fc7.h5        features (Ni, 4096) float32    (FeatureKind.FC7)
 * val2014_...                   the same for the val split
 * coco2014_vocab.json           {"idx_to_word": [...], "word_to_idx": {...}}
 * train2014_urls.txt            optional, line i = URL of image i (val2014_urls.txt likewise)
 * </pre>
 */
public final class Cs231nLayout {
    public static final String TRAIN = "train";
    public static final String VAL = "val";
    /** The splits in the order they are loaded and listed. */
    public static final List<String> SPLITS = List.of(TRAIN, VAL);

    public static final String CAPTIONS_FILE = "coco2014_captions.h5";
    public static final String VOCAB_FILE = "coco2014_vocab.json";
    public static final String FEATURES_DATASET = "features";

    /** Tokens per caption in the real cs231n files: {@code <START>}, up to 15 words, {@code <END>}, padding. */
    public static final int COCO_CAPTION_LENGTH = 17;

    private Cs231nLayout() {
    }

    public static String captionsDataset(String split) {
        return split + "_captions";
    }

    public static String imageIdxsDataset(String split) {
        return split + "_image_idxs";
    }

    public static String urlsFile(String split) {
        return split + "2014_urls.txt";
    }

    public static void checkSplitName(String split) {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("unknown split '" + split + "'; expected one of " + SPLITS);
        }
    }
}
