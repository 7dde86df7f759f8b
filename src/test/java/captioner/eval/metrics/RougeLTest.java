package captioner.eval.metrics;

import org.junit.jupiter.api.Test;

import static captioner.eval.metrics.Tokens.refs;
import static captioner.eval.metrics.Tokens.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ROUGE-L worked by hand: LCS, β = 1.2, precision and recall maximised over the references apart. */
class RougeLTest {
    private static final double B2 = 1.44;

    private static double f(double p, double r) {
        return (1 + B2) * p * r / (r + B2 * p);
    }

    @Test
    void theLongestCommonSubsequenceNeedNotBeContiguous() {
        assertEquals(3, RougeL.lcs(t("a c d e f"), t("a b c d")));
        assertEquals(f(3 / 4.0, 3 / 5.0), RougeL.score(t("a b c d"), refs("a c d e f")), 1e-15);
        // (1 + 1.44) · 0.75 · 0.6 / (0.6 + 1.44 · 0.75) = 1.098 / 1.68
        assertEquals(1.098 / 1.68, RougeL.score(t("a b c d"), refs("a c d e f")), 1e-15);
    }

    @Test
    void precisionAndRecallAreMaximisedOverTheReferencesSeparately() {
        // "a b": precision 2/4, recall 2/2; the long reference: precision 4/4, recall 4/8. Best of each: 1 and 1.
        assertEquals(1.0, RougeL.score(t("a b c d"), refs("a b", "a b c d e f g h")), 1e-15);
    }

    @Test
    void aWordAbsentFromEveryReferenceOnlyLowersPrecision() {
        assertEquals(f(3 / 4.0, 1.0), RougeL.score(t("a zebra on beach"), refs("a on beach")), 1e-15);
        assertEquals(0, RougeL.score(t("zebra"), refs("a horse", "the horse")));
    }

    @Test
    void anEmptyHypothesisScoresZeroAndAgainstAnEmptyReferenceOneAsTheOfficialSplitGives() {
        assertEquals(0, RougeL.score(t(""), refs("a dog runs")));
        assertEquals(1, RougeL.score(t(""), refs("a dog runs", "")));
        assertEquals(0, RougeL.score(t("a dog"), refs("")));
    }
}
