package captioner.eval;

import captioner.model.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BLEU pinned to examples worked by hand from the definition. Every expected value was also computed once with
 * NLTK 3.8 (Debian's python3-nltk, {@code nltk.translate.bleu_score}) and agrees to the last digit shown; the
 * tests do not run Python.
 */
class BleuTest {
    private static final double[] UNIGRAM = {1};
    private static final double[] BIGRAM = {0.5, 0.5};
    private static final double EPS = 1e-12;

    private final Map<String, Integer> ids = new HashMap<>();

    /** Words to ints, the same int for the same word across a test. */
    private int[] t(String sentence) {
        if (sentence.isEmpty()) {
            return new int[0];
        }
        String[] words = sentence.split(" ");
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = ids.computeIfAbsent(words[i], w -> ids.size());
        }
        return out;
    }

    private List<int[]> refs(String... sentences) {
        List<int[]> out = new ArrayList<>();
        for (String s : sentences) {
            out.add(t(s));
        }
        return out;
    }

    @Test
    void countsAreClippedByTheMostInAnySingleReference() {
        // Papineni et al.'s example: "the" occurs at most twice in one reference, so 2 of the 7 words count.
        assertEquals(2.0 / 7, Bleu.sentence(refs("the cat is on the mat", "there is a cat on the mat"),
                t("the the the the the the the"), UNIGRAM, Bleu.Smoothing.NONE), EPS); // NLTK: 0.2857142857142857
        // "the" three times: twice in the first reference, once in the second. The clip is 2, not their sum 3;
        // with "cat" that is 3 of 4 (NLTK: 0.75).
        assertEquals(0.75, Bleu.sentence(refs("the cat the", "the dog"), t("the the the cat"), UNIGRAM,
                Bleu.Smoothing.NONE), EPS);
    }

    @Test
    void brevityPenaltyUsesTheClosestReferenceLength() {
        // 5 words against references of 6 and 8: r = 6, BP = exp(1 - 6/5). All 5 unigrams match; 3 of the 4 bigrams
        // ("on mat" is in neither reference). NLTK: 0.8187307530779819 and 0.7090416310250969.
        List<int[]> r = refs("the cat sat on the mat", "a cat was sitting on the mat today");
        int[] h = t("the cat sat on mat");
        assertEquals(Math.exp(-0.2), Bleu.sentence(r, h, UNIGRAM, Bleu.Smoothing.NONE), EPS);
        assertEquals(Math.exp(-0.2) * Math.sqrt(0.75), Bleu.sentence(r, h, BIGRAM, Bleu.Smoothing.NONE), EPS);
        assertEquals(0.7090416310250969, Bleu.sentence(r, h, BIGRAM, Bleu.Smoothing.NONE), EPS);
    }

    @Test
    void equallyCloseReferencesTakeTheShorter() {
        // 4 words, references of 3 and 5: both 1 away, so r = 3 < c and BP = 1 (with r = 5 it would be exp(-1/4)).
        assertEquals(3, Bleu.closestLength(refs("dog on grass", "a dog lies on grass"), 4));
        assertEquals(1.0, Bleu.sentence(refs("dog on grass", "a dog lies on grass"), t("a dog on grass"), UNIGRAM,
                Bleu.Smoothing.NONE), EPS);
        assertEquals(1.0, Bleu.brevityPenalty(3, 4));
        assertEquals(1.0, Bleu.brevityPenalty(4, 4));
        assertEquals(Math.exp(1 - 5.0 / 4), Bleu.brevityPenalty(5, 4), EPS);
        assertEquals(0.0, Bleu.brevityPenalty(5, 0));
    }

    @Test
    void aZeroPrecisionAtAnOrderGivesZeroUnlessSmoothed() {
        // "cat the" vs "the cat": both unigrams match, the one bigram does not.
        List<int[]> r = refs("the cat");
        assertEquals(1.0, Bleu.sentence(r, t("cat the"), UNIGRAM, Bleu.Smoothing.NONE), EPS);
        assertEquals(0.0, Bleu.sentence(r, t("cat the"), BIGRAM, Bleu.Smoothing.NONE)); // NLTK: 1.49e-154
        // method1: the zero precision becomes 0.1 / 1 bigram. NLTK: 0.316227766016838.
        assertEquals(Math.sqrt(0.1), Bleu.sentence(r, t("cat the"), BIGRAM, Bleu.Smoothing.METHOD1), EPS);
        // No unigram match at all is 0 even smoothed, as in NLTK.
        assertEquals(0.0, Bleu.sentence(r, t("dog"), BIGRAM, Bleu.Smoothing.METHOD1));
    }

    @Test
    void aHypothesisShorterThanTheOrderCountsZeroOfOne() {
        // "cat" has no bigram: 0 matches of max(1, 0) = 1. c = 1, r = 3: BP = exp(-2).
        List<int[]> r = refs("the cat sat");
        assertEquals(0.0, Bleu.sentence(r, t("cat"), BIGRAM, Bleu.Smoothing.NONE));
        assertEquals(Math.exp(-2) * Math.sqrt(0.1), Bleu.sentence(r, t("cat"), BIGRAM, Bleu.Smoothing.METHOD1), EPS);
        assertEquals(0.04279677428117006, Bleu.sentence(r, t("cat"), BIGRAM, Bleu.Smoothing.METHOD1), EPS);
    }

    @Test
    void anEmptyHypothesisScoresZero() {
        assertEquals(0.0, Bleu.sentence(refs("the cat"), t(""), UNIGRAM, Bleu.Smoothing.NONE));
        assertEquals(0.0, Bleu.sentence(refs("the cat"), t(""), BIGRAM, Bleu.Smoothing.METHOD1));
    }

    @Test
    void corpusBleuSumsCountsAndLengthsBeforeDividing() {
        // Sentence 1 is perfect (6 words). Sentence 2, "a dog" against "the dog runs in the park" and "a dog runs":
        // 2/2 unigrams, 1/1 bigram, no trigram or 4-gram (0 of 1 each); closest reference 3 words.
        // Corpus: p = 8/8, 6/6, 4/5, 3/4; c = 8, r = 6 + 3 = 9, BP = exp(1 - 9/8).
        Bleu.Counts c = new Bleu.Counts(4);
        c.add(refs("the cat is on the mat"), t("the cat is on the mat"));
        c.add(refs("the dog runs in the park", "a dog runs"), t("a dog"));
        assertArrayEquals(new long[] {8, 6, 4, 3}, new long[] {c.matches(1), c.matches(2), c.matches(3), c.matches(4)});
        assertArrayEquals(new long[] {8, 6, 5, 4}, new long[] {c.totals(1), c.totals(2), c.totals(3), c.totals(4)});
        assertEquals(8, c.hypothesisLength());
        assertEquals(9, c.referenceLength());
        double bp = Math.exp(1 - 9.0 / 8);
        assertEquals(bp, c.bleu(1, Bleu.Smoothing.NONE), EPS);                                  // NLTK: 0.8824969025845955
        assertEquals(bp, c.bleu(2, Bleu.Smoothing.NONE), EPS);                                  // NLTK: 0.8824969025845955
        assertEquals(bp * Math.cbrt(0.8), c.bleu(3, Bleu.Smoothing.NONE), EPS);                 // NLTK: 0.8192375537469045
        assertEquals(0.7766958816485184, c.bleu(4, Bleu.Smoothing.NONE), EPS);                  // NLTK, by hand below
        assertEquals(bp * Math.pow(0.8 * 0.75, 0.25), c.bleu(4, Bleu.Smoothing.NONE), EPS);
        // Not the mean of the sentence scores (NLTK's mean of sentence BLEU-2: 0.8032653298563167).
        double mean = (Bleu.sentence(refs("the cat is on the mat"), t("the cat is on the mat"), BIGRAM,
                Bleu.Smoothing.NONE) + Bleu.sentence(refs("the dog runs in the park", "a dog runs"), t("a dog"), BIGRAM,
                Bleu.Smoothing.NONE)) / 2;
        assertEquals(0.8032653298563167, mean, EPS);
        assertTrue(Math.abs(mean - c.bleu(2, Bleu.Smoothing.NONE)) > 0.05);
    }

    @Test
    void countsMergeToTheCountsOfTheWholeCorpus() {
        Bleu.Counts whole = new Bleu.Counts(4);
        Bleu.Counts a = new Bleu.Counts(4);
        Bleu.Counts b = new Bleu.Counts(4);
        String[][] corpus = {{"a dog runs", "a dog runs on grass"}, {"the red cat", "a red cat sits"},
            {"two birds", "two white birds on the water"}};
        for (int i = 0; i < corpus.length; i++) {
            whole.add(refs(corpus[i][1]), t(corpus[i][0]));
            (i == 0 ? a : b).add(refs(corpus[i][1]), t(corpus[i][0]));
        }
        b.merge(a);
        for (int n = 1; n <= 4; n++) {
            assertEquals(whole.bleu(n, Bleu.Smoothing.METHOD1), b.bleu(n, Bleu.Smoothing.METHOD1), EPS);
        }
        assertEquals(3, b.sentences());
        assertThrows(IllegalArgumentException.class, () -> whole.merge(new Bleu.Counts(2)));
    }

    @Test
    void tokensAreCleanedAsCs231nCleansThem() {
        Vocabulary v = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog"), "test");
        BleuTokens tokens = new BleuTokens(v);
        // <START> and <NULL> dropped, <UNK> dropped, everything after <END> ignored.
        assertArrayEquals(new int[] {4, 5}, tokens.clean(new int[] {1, 4, 3, 5, 2, 4, 0, 0}));
        assertArrayEquals(new int[] {4, 5}, tokens.clean(new int[] {4, 0, 5}));
        assertArrayEquals(new int[0], tokens.clean(new int[] {3, 3, 2}));
        // A generated "<UNK>"-only caption is empty after cleaning and scores 0.
        assertEquals(0.0, Bleu.sentence(List.of(tokens.clean(new int[] {1, 4, 5, 2})), tokens.clean(new int[] {3}),
                UNIGRAM, Bleu.Smoothing.NONE));
    }

    @Test
    void smoothingNamesAreNltks() {
        assertEquals(Bleu.Smoothing.METHOD1, Bleu.Smoothing.parse("method1"));
        assertEquals(Bleu.Smoothing.NONE, Bleu.Smoothing.parse("none"));
        String msg = assertThrows(captioner.BadInputException.class, () -> Bleu.Smoothing.parse("method7")).getMessage();
        assertTrue(msg.startsWith("--smoothing is 'method7'; expected none or method1"), msg);
    }
}
