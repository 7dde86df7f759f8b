package captioner.eval.metrics;

import java.util.List;

/**
 * ROUGE-L as the MS-COCO caption evaluation computes it (Lin, 2004, with β = 1.2): for each reference, the
 * longest common subsequence (LCS) of tokens gives precision LCS / |hypothesis| and recall LCS / |reference|;
 * precision and recall are each maximised over the references separately (possibly from different references),
 * then F = (1 + β²) P R / (R + β² P), or 0 when either is 0. A set's score is the mean over images.
 *
 * <p>The official scorer splits captions on single spaces, so an empty caption is one empty token (length 1,
 * matching only another empty caption); this class does the same. In practice: an empty hypothesis scores 0
 * (unless a reference is empty too, which then scores 1), and an empty reference has recall 0.
 */
public final class RougeL {
    /** The weight of recall against precision, as in coco-caption. */
    public static final double BETA = 1.2;

    private static final String[] EMPTY_CAPTION = {""};

    private RougeL() {
    }

    /** One image's ROUGE-L. */
    public static double score(String[] hypothesis, List<String[]> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a hypothesis needs at least one reference");
        }
        String[] hyp = asSplit(hypothesis);
        double precision = 0;
        double recall = 0;
        for (String[] reference : references) {
            String[] ref = asSplit(reference);
            int lcs = lcs(ref, hyp);
            precision = Math.max(precision, lcs / (double) hyp.length);
            recall = Math.max(recall, lcs / (double) ref.length);
        }
        if (precision == 0 || recall == 0) {
            return 0;
        }
        double b2 = BETA * BETA;
        return (1 + b2) * precision * recall / (recall + b2 * precision);
    }

    private static String[] asSplit(String[] tokens) {
        return tokens.length == 0 ? EMPTY_CAPTION : tokens;
    }

    /** Length of the longest common subsequence: dynamic programming over one row at a time. */
    static int lcs(String[] a, String[] b) {
        int[] prev = new int[b.length + 1];
        int[] row = new int[b.length + 1];
        for (String x : a) {
            for (int j = 1; j <= b.length; j++) {
                row[j] = x.equals(b[j - 1]) ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
            }
            int[] t = prev;
            prev = row;
            row = t;
        }
        return prev[b.length];
    }
}
