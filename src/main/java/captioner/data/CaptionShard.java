package captioner.data;

import java.io.Serializable;

/**
 * One partition of a caption split in the form training reads: primitive arrays, features stored
 * once per image. Caption c is {@code captions[c*L .. c*L+L)} and describes image
 * {@code captionImage[c]}, a row of {@code features} (numImages × featureDim, row-major) whose index
 * in its split is {@code imageIdxs[row]}. Arrays are shared, not copied; nobody modifies them.
 */
public final class CaptionShard implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int captionLength;
    private final int featureDim;
    private final int[] captions;
    private final int[] captionImage;
    private final float[] features;
    private final int[] imageIdxs;

    public CaptionShard(int captionLength, int featureDim, int[] captions, int[] captionImage, float[] features,
                        int[] imageIdxs) {
        if (captionLength < 2 || featureDim < 1) {
            throw new IllegalArgumentException("captionLength must be >= 2 and featureDim >= 1, got " + captionLength
                    + " and " + featureDim);
        }
        if (captions.length != captionImage.length * captionLength) {
            throw new IllegalArgumentException("captions: expected " + captionImage.length + " rows of " + captionLength
                    + " but got " + captions.length + " indices");
        }
        if (features.length != imageIdxs.length * featureDim) {
            throw new IllegalArgumentException("features: expected " + imageIdxs.length + " rows of " + featureDim
                    + " but got " + features.length + " values");
        }
        for (int c = 0; c < captionImage.length; c++) {
            if (captionImage[c] < 0 || captionImage[c] >= imageIdxs.length) {
                throw new IllegalArgumentException("captionImage[" + c + "] = " + captionImage[c]
                        + " is outside the shard's " + imageIdxs.length + " images");
            }
        }
        this.captionLength = captionLength;
        this.featureDim = featureDim;
        this.captions = captions;
        this.captionImage = captionImage;
        this.features = features;
        this.imageIdxs = imageIdxs;
    }

    public int captionLength() {
        return captionLength;
    }

    public int featureDim() {
        return featureDim;
    }

    public int numCaptions() {
        return captionImage.length;
    }

    public int numImages() {
        return imageIdxs.length;
    }

    /** numCaptions × captionLength word indices, row-major. */
    public int[] captions() {
        return captions;
    }

    /** For each caption, its image's row in {@link #features()}. */
    public int[] captionImage() {
        return captionImage;
    }

    /** numImages × featureDim, row-major. */
    public float[] features() {
        return features;
    }

    /** For each image row, the image's index in its split (the row of the split's feature file). */
    public int[] imageIdxs() {
        return imageIdxs;
    }
}
