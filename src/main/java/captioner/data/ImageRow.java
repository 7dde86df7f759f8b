package captioner.data;

import java.io.Serializable;

/**
 * One row of the caption table in Java form: an image, its features and its captions. A bean so that Spark's bean
 * encoder turns it into a row with primitive array copies (no boxing per element) when the table is written, and
 * serializable so that it can be shuffled when shards are built.
 *
 * <p>{@code captionRows} are the rows of this image's captions in the split's caption order, ascending;
 * {@code captions} holds them flattened, {@code captionRows.length × captionLength} word indices in the same order.
 * {@code features} may be null where only captions are needed; {@code url} is null when unknown.
 */
public final class ImageRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private int imageIdx;
    private float[] features;
    private int[] captionRows;
    private int[] captions;
    private String url;

    /** For Spark's bean encoder. */
    public ImageRow() {
    }

    public ImageRow(int imageIdx, float[] features, int[] captionRows, int[] captions, String url) {
        this.imageIdx = imageIdx;
        this.features = features;
        this.captionRows = captionRows;
        this.captions = captions;
        this.url = url;
    }

    public int getImageIdx() {
        return imageIdx;
    }

    public void setImageIdx(int imageIdx) {
        this.imageIdx = imageIdx;
    }

    public float[] getFeatures() {
        return features;
    }

    public void setFeatures(float[] features) {
        this.features = features;
    }

    public int[] getCaptionRows() {
        return captionRows;
    }

    public void setCaptionRows(int[] captionRows) {
        this.captionRows = captionRows;
    }

    public int[] getCaptions() {
        return captions;
    }

    public void setCaptions(int[] captions) {
        this.captions = captions;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }
}
