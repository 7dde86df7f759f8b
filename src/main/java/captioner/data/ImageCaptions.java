package captioner.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference captions and urls of every image of one split, held on the driver for evaluation and sampling:
 * captions grouped by image in the split's caption order, {@code captionLength + 1} ints per caption plus one
 * url string per image (COCO train: about 30 MB of captions). Immutable.
 */
public final class ImageCaptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int captionLength;
    /** numImages + 1 offsets, in captions, into {@link #captions}. */
    private final int[] start;
    private final int[] captions;
    private final String[] urls;

    private ImageCaptions(int captionLength, int[] start, int[] captions, String[] urls) {
        this.captionLength = captionLength;
        this.start = start;
        this.captions = captions;
        this.urls = urls;
    }

    /** From a split held on the driver. */
    static ImageCaptions of(CaptionSplit split) {
        CaptionsByImage groups = CaptionsByImage.of(split.imageIdxs(), split.numImages());
        int l = split.captionLength();
        int[] grouped = new int[groups.rows.length * l];
        for (int k = 0; k < groups.rows.length; k++) {
            System.arraycopy(split.captions(), groups.rows[k] * l, grouped, k * l, l);
        }
        return new ImageCaptions(l, groups.start, grouped, split.urls());
    }

    /**
     * From table rows (any order, each image at most once, caption rows ascending within an image).
     *
     * @param withUrls whether the split has urls
     */
    static ImageCaptions of(List<ImageRow> rows, int numImages, int captionLength, boolean withUrls) {
        ImageRow[] byImage = new ImageRow[numImages];
        int[] start = new int[numImages + 1];
        for (ImageRow r : rows) {
            byImage[r.getImageIdx()] = r;
            start[r.getImageIdx() + 1] = r.getCaptionRows().length;
        }
        for (int i = 0; i < numImages; i++) {
            start[i + 1] += start[i];
        }
        int[] captions = new int[start[numImages] * captionLength];
        String[] urls = withUrls ? new String[numImages] : null;
        for (int i = 0; i < numImages; i++) {
            if (byImage[i] != null) {
                System.arraycopy(byImage[i].getCaptions(), 0, captions, start[i] * captionLength,
                        byImage[i].getCaptions().length);
                if (urls != null) {
                    urls[i] = byImage[i].getUrl();
                }
            }
        }
        return new ImageCaptions(captionLength, start, captions, urls);
    }

    public int numImages() {
        return start.length - 1;
    }

    public int captionLength() {
        return captionLength;
    }

    public int numCaptions(int image) {
        return start[image + 1] - start[image];
    }

    /** Copies of the captions of {@code image} (each captionLength word indices), in the split's caption order. */
    public List<int[]> captions(int image) {
        List<int[]> out = new ArrayList<>(numCaptions(image));
        for (int c = start[image]; c < start[image + 1]; c++) {
            out.add(Arrays.copyOfRange(captions, c * captionLength, (c + 1) * captionLength));
        }
        return out;
    }

    public boolean hasUrls() {
        return urls != null;
    }

    /** The url of {@code image}, or null when the split has none. */
    public String url(int image) {
        if (image < 0 || image >= numImages()) {
            throw new IndexOutOfBoundsException("image " + image + " outside [0, " + numImages() + ")");
        }
        return urls == null ? null : urls[image];
    }
}
