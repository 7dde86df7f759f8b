package captioner.data.table;

import captioner.data.CaptionSplit;
import captioner.data.CaptionsByImage;
import captioner.data.ImageRow;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A run of consecutive images of a split with their features, captions and urls, copied out of a
 * {@link CaptionSplit} into compact arrays: the unit in which {@link TableWriter} hands a split held on the driver
 * to Spark for writing (through a broadcast, so no task carries the data itself).
 */
final class SplitChunk implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int firstImage;
    private final int captionLength;
    private final int featureDim;
    /** numImages × featureDim. */
    private final float[] features;
    /** numImages + 1 offsets into {@link #rows}. */
    private final int[] rowStart;
    /** Caption rows grouped by image, ascending within an image. */
    private final int[] rows;
    /** rows.length × captionLength, in the order of {@link #rows}. */
    private final int[] captions;
    /** numImages urls, or null. */
    private final String[] urls;

    private SplitChunk(int firstImage, int captionLength, int featureDim, float[] features, int[] rowStart, int[] rows,
                       int[] captions, String[] urls) {
        this.firstImage = firstImage;
        this.captionLength = captionLength;
        this.featureDim = featureDim;
        this.features = features;
        this.rowStart = rowStart;
        this.rows = rows;
        this.captions = captions;
        this.urls = urls;
    }

    /** Images {@code [first, first + count)} of {@code split}, whose captions {@code groups} lists per image. */
    static SplitChunk of(CaptionSplit split, CaptionsByImage groups, int first, int count) {
        int l = split.captionLength();
        int d = split.featureDim();
        int from = groups.start[first];
        int to = groups.start[first + count];
        int[] rowStart = new int[count + 1];
        for (int i = 0; i <= count; i++) {
            rowStart[i] = groups.start[first + i] - from;
        }
        int[] rows = Arrays.copyOfRange(groups.rows, from, to);
        int[] captions = new int[rows.length * l];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(split.captions(), rows[k] * l, captions, k * l, l);
        }
        float[] features = Arrays.copyOfRange(split.features(), first * d, (first + count) * d);
        String[] urls = split.urls() == null ? null : Arrays.copyOfRange(split.urls(), first, first + count);
        return new SplitChunk(first, l, d, features, rowStart, rows, captions, urls);
    }

    int numImages() {
        return rowStart.length - 1;
    }

    /** The images as table rows, each with its own copies of the arrays. */
    Iterator<ImageRow> imageRows() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < numImages();
            }

            @Override
            public ImageRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int a = rowStart[i];
                int b = rowStart[i + 1];
                ImageRow row = new ImageRow(firstImage + i,
                        Arrays.copyOfRange(features, i * featureDim, (i + 1) * featureDim),
                        Arrays.copyOfRange(rows, a, b),
                        Arrays.copyOfRange(captions, a * captionLength, b * captionLength),
                        urls == null ? null : urls[i]);
                i++;
                return row;
            }
        };
    }
}
