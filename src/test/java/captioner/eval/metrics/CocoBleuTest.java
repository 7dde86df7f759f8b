package captioner.eval.metrics;

import captioner.eval.Bleu;
import org.junit.jupiter.api.Test;

import java.util.List;

import static captioner.eval.metrics.Tokens.refs;
import static captioner.eval.metrics.Tokens.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** coco-caption's BLEU worked by hand from its definition: clipped counts, closest length, tiny constants. */
class CocoBleuTest {
    private static final double TINY = 1e-15;
    private static final double SMALL = 1e-9;

    @Test
    void countsAreClippedByTheMostInAnySingleReference() {
        CocoBleu.Counts c = CocoBleu.of(t("the the the the the the the"),
                refs("the cat is on the mat", "there is a cat on the mat"));
        assertEquals(2, c.matches(1));
        assertEquals(0, c.matches(2));
        assertEquals(7, c.ngrams(1));
        assertEquals(4, c.ngrams(4));
        assertEquals(7, c.referenceLength()); // lengths 6 and 7: 7 is closest to 7
        double bp = Math.exp(1 - (7 + SMALL) / (7 + TINY)); // ratio just below 1: a penalty of 1 - 1.4e-10
        double p1 = (2 + TINY) / (7 + SMALL);
        assertEquals(p1 * bp, c.scores()[0], 1e-15);
        assertEquals(Math.sqrt(p1 * TINY / (6 + SMALL)) * bp, c.scores()[1], 1e-20);
    }

    @Test
    void theClosestReferenceLengthTiesToTheShorter() {
        assertEquals(3, CocoBleu.closestLength(refs("a b c", "a b c d e"), 4));
        assertEquals(5, CocoBleu.closestLength(refs("a b c d e f g", "a b c d e"), 6));
        assertEquals(2, CocoBleu.of(t("a b c d e f g h"), refs("a b", "a")).referenceLength());
    }

    @Test
    void aHypothesisShorterThanNStillScoresAboveZeroUnlikeNltk() {
        // "dog" against "a dog": 1 of 1 unigrams, no bigrams offered (coco: 0 n-grams, NLTK: at least 1).
        CocoBleu.Counts c = CocoBleu.of(t("dog"), refs("a dog"));
        assertEquals(0, c.ngrams(2));
        double bp = Math.exp(1 - (2 + SMALL) / (1 + TINY));
        double p1 = (1 + TINY) / (1 + SMALL);
        assertEquals(p1 * bp, c.scores()[0], 1e-15);
        double bleu2 = Math.sqrt(p1 * TINY / SMALL) * bp; // about 1e-3 · e^-1
        assertEquals(bleu2, c.scores()[1], 1e-15);
        assertTrue(bleu2 > 3e-4);
        assertEquals(0, Bleu.sentence(List.of(new int[] {0, 1}), new int[] {1}, Bleu.uniform(2), Bleu.Smoothing.NONE));
    }

    @Test
    void anEmptyHypothesisScoresZero() {
        double[] s = CocoBleu.of(t(""), refs("a dog runs")).scores();
        for (double v : s) {
            assertEquals(0, v); // the brevity penalty exp(1 - 3e24) underflows
        }
    }

    @Test
    void aHypothesisLongerThanEveryReferenceHasNoBrevityPenalty() {
        CocoBleu.Counts c = CocoBleu.of(t("a brown dog runs in a big field"), refs("a dog runs", "a brown dog"));
        assertEquals(3, c.referenceLength());
        // Unigrams: a (clipped at 1), brown, dog, runs; bigrams "a brown", "brown dog", "dog runs".
        assertEquals(4, c.matches(1));
        assertEquals(3, c.matches(2));
        double p1 = (4 + TINY) / (8 + SMALL);
        assertEquals(p1, c.scores()[0], 1e-15);
        assertEquals(Math.sqrt(p1 * (3 + TINY) / (7 + SMALL)), c.scores()[1], 1e-15);
    }

    @Test
    void theCorpusFigureSumsCountsBeforeDividing() {
        CocoBleu.Counts a = CocoBleu.of(t("a cat"), refs("a cat"));
        CocoBleu.Counts b = CocoBleu.of(t("the dog runs fast"), refs("a dog runs"));
        CocoBleu.Counts total = new CocoBleu.Counts().merge(a).merge(b);
        assertEquals(2 + 2, total.matches(1));
        assertEquals(6, total.ngrams(1));
        assertEquals(2 + 3, total.referenceLength());
        assertEquals(6, total.length());
        assertEquals((4 + TINY) / (6 + SMALL), total.scores()[0], 1e-15);
        double meanOfImages = (a.scores()[0] + b.scores()[0]) / 2;
        assertTrue(Math.abs(meanOfImages - total.scores()[0]) > 0.01, "not a mean of image scores");
    }
}
