package captioner.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One split (train or val) held in flat primitive arrays, as cs231n's {@code load_coco_data} holds it:
 * <ul>
 *   <li>{@code captions}: numCaptions × captionLength word indices, row-major
 *       (caption i is {@code captions[i*captionLength .. (i+1)*captionLength)});</li>
 *   <li>{@code imageIdxs}: numCaptions image rows, caption i describes image {@code imageIdxs[i]};</li>
 *   <li>{@code features}: numImages × featureDim floats, row-major (image j is
 *       {@code features[j*featureDim .. (j+1)*featureDim)});</li>
 *   <li>{@code urls}: numImages URLs, or {@code null} when the directory has no urls file.</li>
 * </ul>
 * The arrays are shared, not copied (features alone are 170 MB for COCO): callers must not modify them.
 * A training subset ({@code maxTrain}) keeps every image, so image indices keep their meaning, as in cs231n.
 */
public final class CaptionSplit implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final int[] captions;
    private final int captionLength;
    private final int[] imageIdxs;
    private final float[] features;
    private final int featureDim;
    private final String[] urls;

    /**
     * @throws IllegalArgumentException if the array lengths do not fit together; the reader checks the files
     *         first and reports bad files as {@code BadInputException}, so this only catches programming errors
     */
    public CaptionSplit(String name, int[] captions, int captionLength, int[] imageIdxs, float[] features,
                        int featureDim, String[] urls) {
        if (captionLength <= 0 || captions.length % captionLength != 0) {
            throw new IllegalArgumentException(name + ": " + captions.length + " caption tokens do not make rows of "
                    + captionLength);
        }
        if (imageIdxs.length != captions.length / captionLength) {
            throw new IllegalArgumentException(name + ": " + imageIdxs.length + " image indices for "
                    + captions.length / captionLength + " captions");
        }
        if (featureDim <= 0 || features.length % featureDim != 0) {
            throw new IllegalArgumentException(name + ": " + features.length + " feature values do not make rows of "
                    + featureDim);
        }
        if (urls != null && urls.length != features.length / featureDim) {
            throw new IllegalArgumentException(name + ": " + urls.length + " urls for " + features.length / featureDim
                    + " images");
        }
        this.name = name;
        this.captions = captions;
        this.captionLength = captionLength;
        this.imageIdxs = imageIdxs;
        this.features = features;
        this.featureDim = featureDim;
        this.urls = urls;
    }

    /** "train" or "val". */
    public String name() {
        return name;
    }

    public int numCaptions() {
        return imageIdxs.length;
    }

    /** Tokens per caption, 17 for COCO. */
    public int captionLength() {
        return captionLength;
    }

    /** numCaptions × captionLength word indices, row-major. Shared: do not modify. */
    public int[] captions() {
        return captions;
    }

    /** numCaptions image indices into the rows of {@link #features()}. Shared: do not modify. */
    public int[] imageIdxs() {
        return imageIdxs;
    }

    public int numImages() {
        return features.length / featureDim;
    }

    public int featureDim() {
        return featureDim;
    }

    /** numImages × featureDim floats, row-major. Shared: do not modify. */
    public float[] features() {
        return features;
    }

    /** numImages URLs, or {@code null} when the split has none. Shared: do not modify. */
    public String[] urls() {
        return urls;
    }

    public boolean hasUrls() {
        return urls != null;
    }

    /** A copy of caption {@code i}: captionLength word indices. */
    public int[] caption(int i) {
        return Arrays.copyOfRange(captions, i * captionLength, (i + 1) * captionLength);
    }

    /** A copy of the features of image {@code j}: featureDim floats. */
    public float[] imageFeatures(int j) {
        return Arrays.copyOfRange(features, j * featureDim, (j + 1) * featureDim);
    }

    /**
     * The split restricted to the given caption rows, in the given order; images, features and urls are
     * shared unchanged so that image indices still point at the same rows.
     */
    public CaptionSplit withCaptionRows(int[] rows) {
        int[] c = new int[rows.length * captionLength];
        int[] idx = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(captions, rows[k] * captionLength, c, k * captionLength, captionLength);
            idx[k] = imageIdxs[rows[k]];
        }
        return new CaptionSplit(name, c, captionLength, idx, features, featureDim, urls);
    }

    @Override
    public String toString() {
        return name + ": " + numCaptions() + " captions × " + captionLength + " tokens over " + numImages()
                + " images × " + featureDim + " features" + (urls == null ? ", no urls" : "");
    }
}
