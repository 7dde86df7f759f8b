package captioner.data.table;

import captioner.BadInputException;
import captioner.data.ImageRow;
import org.apache.spark.sql.catalyst.InternalRow;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Turns a Spark row of one split into an {@link ImageRow}, checking it against the table's metadata; runs on the
 * executors. The row holds image_idx and caption_rows first, then the optional columns at the given positions
 * (-1: not read).
 */
final class RowDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final int images;
    private final long captions;
    private final int captionLength;
    private final int featureDim;
    private final int vocabSize;
    private final int featuresAt;
    private final int captionsAt;
    private final int urlAt;

    RowDecoder(String where, int images, long captions, int captionLength, int featureDim, int vocabSize,
               int featuresAt, int captionsAt, int urlAt) {
        this.where = where;
        this.images = images;
        this.captions = captions;
        this.captionLength = captionLength;
        this.featureDim = featureDim;
        this.vocabSize = vocabSize;
        this.featuresAt = featuresAt;
        this.captionsAt = captionsAt;
        this.urlAt = urlAt;
    }

    ImageRow decode(InternalRow r) {
        int idx = r.getInt(0);
        if (idx < 0 || idx >= images) {
            throw new BadInputException(where + ": image_idx " + idx + " is outside [0, " + images
                    + "); expected the image counts of " + TableSchema.METADATA_FILE);
        }
        if (r.isNullAt(1)) {
            throw new BadInputException(where + ": image_idx " + idx + " has null caption_rows; expected an "
                    + "array (empty for an image without captions)");
        }
        int[] rows = r.getArray(1).toIntArray();
        for (int k = 0; k < rows.length; k++) {
            if (rows[k] < 0 || rows[k] >= captions || (k > 0 && rows[k] <= rows[k - 1])) {
                throw new BadInputException(where + ": image_idx " + idx + " has caption_rows " + brief(rows)
                        + "; expected ascending rows in [0, " + captions + ")");
            }
        }
        float[] features = null;
        if (featuresAt >= 0) {
            features = r.isNullAt(featuresAt) ? null : r.getArray(featuresAt).toFloatArray();
            if (features == null || features.length != featureDim) {
                throw new BadInputException(where + ": image_idx " + idx + " has "
                        + (features == null ? "null features" : features.length + " features")
                        + "; expected " + featureDim + " (feature_dim of " + TableSchema.METADATA_FILE + ")");
            }
        }
        int[] caps = null;
        if (captionsAt >= 0) {
            caps = r.isNullAt(captionsAt) ? null : r.getArray(captionsAt).toIntArray();
            if (caps == null || caps.length != rows.length * captionLength) {
                throw new BadInputException(where + ": image_idx " + idx + " has "
                        + (caps == null ? "null captions" : caps.length + " caption tokens") + " for "
                        + rows.length + " caption rows; expected " + captionLength + " tokens per caption");
            }
            for (int t = 0; t < caps.length; t++) {
                if (caps[t] < 0 || caps[t] >= vocabSize) {
                    throw new BadInputException(where + ": image_idx " + idx + ", caption row "
                            + rows[t / captionLength] + " has word index " + caps[t] + "; expected [0, "
                            + vocabSize + ") for the " + vocabSize + " words of " + TableSchema.VOCAB_FILE);
                }
            }
        }
        String url = urlAt >= 0 && !r.isNullAt(urlAt) ? r.getUTF8String(urlAt).toString() : null;
        return new ImageRow(idx, features, rows, caps, url);
    }

    private static String brief(int[] a) {
        return a.length <= 8 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 8)) + "...";
    }
}
