package captioner.eval.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static captioner.eval.metrics.Tokens.refs;
import static captioner.eval.metrics.Tokens.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CIDEr-D worked by hand on sets small enough that every TF-IDF weight is a multiple of log 2. */
class CiderDTest {
    private static CiderD over(List<List<String[]>> references) {
        DocumentFrequencies df = new DocumentFrequencies();
        references.forEach(df::add);
        return new CiderD(df);
    }

    @Test
    void documentFrequenciesCountImagesNotCaptions() {
        DocumentFrequencies df = new DocumentFrequencies().add(refs("a dog", "a dog runs")).add(refs("a cat"));
        assertEquals(2, df.of("a"));
        assertEquals(1, df.of("a dog"));
        assertEquals(1, df.of("dog runs"));
        assertEquals(0, df.of("zebra"));
        assertEquals(2, df.images());
        DocumentFrequencies merged = new DocumentFrequencies().add(refs("a cat"))
                .merge(new DocumentFrequencies().add(refs("a dog", "a dog runs")));
        assertEquals(df.size(), merged.size());
        assertEquals(2, merged.of("a"));
    }

    @Test
    void twoImagesByHand() {
        // N = 2 and every n-gram is in one image's references: every weight is tf · log 2.
        List<List<String[]>> refs = List.of(refs("a b", "a c"), refs("d e"));
        CiderD cider = over(refs);
        // Image 1, "a b": against "a b" unigrams and the bigram score 1; against "a c" unigrams 1/2, bigram 0.
        // Same lengths (1 bigram each): no penalty. (1.5 + 1 + 0 + 0) / 4 / 2 refs · 10 = 3.125.
        assertEquals(3.125, cider.score(t("a b"), refs.get(0)), 1e-14);
        // Image 2, "d" against "d e": unigram cosine log²2 / (log 2 · √2 log 2) = 1/√2, lengths 0 and 1.
        double second = 10 * Math.exp(-1 / 72.0) / Math.sqrt(2) / 4;
        assertEquals(second, cider.score(t("d"), refs.get(1)), 1e-14);
        CocoScores set = CocoScores.score(List.of(t("a b"), t("d")), refs);
        assertEquals((3.125 + second) / 2, set.ciderD(), 1e-14);
    }

    @Test
    void repeatingAnNGramIsClipped() {
        CiderD cider = over(List.of(refs("a b"), refs("c d")));
        // "a a": weight 2 log 2 for "a", clipped to the reference's log 2: log²2 / (2 log 2 · √2 log 2).
        assertEquals(10 / (2 * Math.sqrt(2)) / 4, cider.score(t("a a"), refs("a b")), 1e-14);
    }

    @Test
    void theLengthPenaltyUsesBigramCounts() {
        CiderD cider = over(List.of(refs("a b c d e f g h"), refs("x y")));
        // 8 words against 2 of them: δ = 7 − 1 = 6 bigrams, penalty e^(−36/72) on the unigram cosine 2/√(8·2).
        double unigram = 2 / Math.sqrt(8 * 2.0);
        double bigram = 1 / Math.sqrt(7.0);
        assertEquals(10 * (unigram + bigram) / 4 * Math.exp(-0.5), cider.score(t("a b c d e f g h"), refs("a b")),
                1e-14);
    }

    @Test
    void aWordInTheReferencesOfEveryImageWeighsNothing() {
        CiderD cider = over(List.of(refs("a dog"), refs("a cat")));
        // idf("a") = log 2 − log 2 = 0: only "dog" counts.
        assertEquals(0, cider.score(t("a"), refs("a dog")));
        assertEquals(0, cider.score(t("a cat"), refs("a dog")));
    }

    @Test
    void anEmptyHypothesisAndOneImageScoreZero() {
        CiderD cider = over(List.of(refs("a dog"), refs("a cat")));
        assertEquals(0, cider.score(t(""), refs("a dog")));
        CiderD alone = over(List.of(refs("a dog runs", "the dog")));
        assertEquals(0, alone.score(t("a dog runs"), refs("a dog runs", "the dog")));
    }
}
