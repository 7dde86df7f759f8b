package captioner.data.raw;

import captioner.data.RowCount;
import captioner.data.table.PrepareCounts;

import java.util.ArrayList;
import java.util.List;

/**
 * What became of one split's captions and features: what was kept and every kind of row left out, each with its
 * first id so that a user can find it.
 */
public final class SplitReport {
    /** A kind of row left out (or cut), with how many and the first image id. */
    public static final class Problem {
        final String what;
        RowCount<String> rows = RowCount.none();

        Problem(String what) {
            this.what = what;
        }

        void add(String id) {
            rows = rows.plus(id);
        }

        /** Forgets the rows counted so far. */
        void clear() {
            rows = RowCount.none();
        }

        public long count() {
            return rows.count();
        }

        public String firstId() {
            return rows.first();
        }

        public String what() {
            return what;
        }
    }

    final String split;
    int images;
    long captions;
    long unknownWords;
    final Problem duplicateIds = new Problem("duplicate image ids (first kept)");
    final Problem captionsWithoutFeatures = new Problem("captions of images without features");
    final Problem featuresWithoutCaptions = new Problem("images with features but no caption");
    final Problem emptyCaptions = new Problem("empty captions (no letters or digits)");
    final Problem cutCaptions = new Problem("captions cut to the caption length");

    SplitReport(String split) {
        this.split = split;
    }

    public String split() {
        return split;
    }

    public int images() {
        return images;
    }

    public long captions() {
        return captions;
    }

    /** Words of kept captions that the vocabulary does not hold, written as {@code <UNK>}. */
    public long unknownWords() {
        return unknownWords;
    }

    public Problem duplicateIds() {
        return duplicateIds;
    }

    public Problem captionsWithoutFeatures() {
        return captionsWithoutFeatures;
    }

    public Problem featuresWithoutCaptions() {
        return featuresWithoutCaptions;
    }

    public Problem emptyCaptions() {
        return emptyCaptions;
    }

    public Problem cutCaptions() {
        return cutCaptions;
    }

    /** The rows left out; {@code --strict} refuses the first of them. Cut captions are kept, so not listed. */
    public List<Problem> leftOut() {
        List<Problem> out = new ArrayList<>();
        for (Problem p : List.of(duplicateIds, captionsWithoutFeatures, featuresWithoutCaptions, emptyCaptions)) {
            if (p.count() > 0) {
                out.add(p);
            }
        }
        return out;
    }

    /** The counts as the table records them. */
    public PrepareCounts counts() {
        return new PrepareCounts(duplicateIds.rows, captionsWithoutFeatures.rows, featuresWithoutCaptions.rows,
                emptyCaptions.rows, cutCaptions.rows, unknownWords);
    }

    /** One line, e.g. "train: 3 images, 12 captions kept; 2 captions cut to the caption length (first image 7)". */
    public String describe() {
        StringBuilder s = new StringBuilder(split).append(": ").append(images).append(" images, ").append(captions)
                .append(" captions kept, ").append(unknownWords).append(" words as <UNK>");
        for (Problem p : List.of(duplicateIds, captionsWithoutFeatures, featuresWithoutCaptions, emptyCaptions,
                cutCaptions)) {
            if (p.count() > 0) {
                s.append("; ").append(p.count()).append(' ').append(p.what).append(" (first image ").append(p.firstId())
                        .append(')');
            }
        }
        return s.toString();
    }
}
