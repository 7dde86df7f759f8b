package captioner.data;

/**
 * The captions of a split grouped by image, by a counting sort over the caption-to-image map: the captions of
 * image i are {@code rows[start[i] .. start[i+1])}, ascending (so in the split's caption order).
 */
public final class CaptionsByImage {
    /** numImages + 1 offsets into {@link #rows}. */
    public final int[] start;
    /** Caption rows grouped by image. */
    public final int[] rows;

    private CaptionsByImage(int[] start, int[] rows) {
        this.start = start;
        this.rows = rows;
    }

    /** @param imageOfCaption for each caption, its image in [0, numImages) */
    public static CaptionsByImage of(int[] imageOfCaption, int numImages) {
        int[] start = new int[numImages + 1];
        for (int img : imageOfCaption) {
            start[img + 1]++;
        }
        for (int i = 0; i < numImages; i++) {
            start[i + 1] += start[i];
        }
        int[] next = new int[numImages];
        System.arraycopy(start, 0, next, 0, numImages);
        int[] rows = new int[imageOfCaption.length];
        for (int r = 0; r < imageOfCaption.length; r++) {
            rows[next[imageOfCaption[r]]++] = r;
        }
        return new CaptionsByImage(start, rows);
    }

    int count(int image) {
        return start[image + 1] - start[image];
    }
}
