package captioner.eval;

import captioner.BadInputException;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BLEU (Papineni, Roukos, Ward and Zhu, "BLEU: a method for automatic evaluation of machine translation",
 * ACL 2002), computed as NLTK 3.8's {@code nltk.translate.bleu_score} computes it. Tokens are ints (word indices).
 *
 * <p>For each order n, the <b>modified precision</b> p_n: every n-gram of the hypothesis counts at most as
 * many times as it occurs in the single reference where it occurs most often (the count is "clipped"), and the
 * sum of clipped counts is divided by the number of n-grams in the hypothesis (at least 1, as NLTK has it, so a
 * hypothesis shorter than n adds 0 matches out of 1). The <b>brevity penalty</b> compares the hypothesis length c
 * with the reference length r closest to it (the shorter of two equally close): BP = 1 if c &gt; r, 0 if c = 0,
 * else exp(1 - r/c). BLEU = BP · exp(sum_n w_n log p_n).
 *
 * <p><b>Corpus BLEU</b> ({@link Counts}, NLTK's {@code corpus_bleu}) adds up the clipped matches and the n-gram
 * totals of every sentence per order before dividing, and adds up c and r over the corpus before the brevity
 * penalty: it is not the mean of sentence scores. <b>Sentence BLEU</b> ({@link #sentence}, NLTK's
 * {@code sentence_bleu}) is corpus BLEU of a one-sentence corpus.
 *
 * <p>Zero matches: with no unigram match at all the score is 0 (NLTK returns 0 there too). Without smoothing, a
 * zero precision at any other order used also gives 0, the value of a geometric mean with a zero factor; NLTK 3.8
 * substitutes the smallest normal double for that precision instead, which gives a score below 1e-76 for BLEU-2
 * to BLEU-4, i.e. 0 at any printed precision. {@link Smoothing#METHOD1} replaces a zero precision by
 * epsilon / total with epsilon = 0.1, NLTK's {@code SmoothingFunction().method1}.
 */
public final class Bleu {
    /** The highest n-gram order that {@link Counts} keeps: BLEU-4, the standard captioning figure. */
    public static final int MAX_ORDER = 4;

    /** How a zero n-gram precision is treated. */
    public enum Smoothing {
        /** No smoothing: a zero precision makes the score 0. */
        NONE("none"),
        /** NLTK's {@code SmoothingFunction().method1}: a zero precision becomes 0.1 / (n-grams of that order). */
        METHOD1("method1");

        /** NLTK's default epsilon for method1. */
        public static final double EPSILON = 0.1;

        private final String label;

        Smoothing(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** "none" or "method1" (NLTK's name), as given to {@code --smoothing}. */
        public static Smoothing parse(String name) {
            for (Smoothing s : values()) {
                if (s.label.equals(name)) {
                    return s;
                }
            }
            throw new BadInputException("--smoothing is '" + name + "'; expected none or method1 (NLTK's "
                    + "SmoothingFunction().method1, epsilon 0.1)");
        }
    }

    private Bleu() {
    }

    /**
     * NLTK's {@code sentence_bleu(references, hypothesis, weights)}; cs231n's per-caption metric is
     * {@code weights = {1}}: BP · p_1.
     */
    public static double sentence(List<int[]> references, int[] hypothesis, double[] weights, Smoothing smoothing) {
        Counts c = new Counts(weights.length);
        c.add(references, hypothesis);
        return c.score(weights, smoothing);
    }

    /** Uniform weights 1/n over orders 1..n: BLEU-n. */
    public static double[] uniform(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return w;
    }

    /**
     * The corpus-level sums BLEU is computed from: per order the clipped matches and the hypothesis n-grams (each
     * sentence's at least 1), the hypothesis lengths and the closest reference lengths. Sums of integers, so
     * partitions can be counted apart and {@link #merge}d in any order with the same result.
     */
    public static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long[] matches;
        private final long[] totals;
        private long hypothesisLength;
        private long referenceLength;
        private long sentences;

        /** Counts for orders 1..maxOrder. */
        public Counts(int maxOrder) {
            if (maxOrder < 1) {
                throw new IllegalArgumentException("maxOrder must be at least 1, not " + maxOrder);
            }
            matches = new long[maxOrder];
            totals = new long[maxOrder];
        }

        public int maxOrder() {
            return matches.length;
        }

        /** Sentences added. */
        public long sentences() {
            return sentences;
        }

        /** Clipped matches of order n (1-based). */
        public long matches(int n) {
            return matches[n - 1];
        }

        /** Hypothesis n-grams of order n (1-based), each sentence counting at least 1. */
        public long totals(int n) {
            return totals[n - 1];
        }

        public long hypothesisLength() {
            return hypothesisLength;
        }

        /** Sum over sentences of the reference length closest to the hypothesis length. */
        public long referenceLength() {
            return referenceLength;
        }

        /** Adds one hypothesis and its references (at least one). */
        public void add(List<int[]> references, int[] hypothesis) {
            if (references.isEmpty()) {
                throw new IllegalArgumentException("a hypothesis needs at least one reference");
            }
            for (int n = 1; n <= matches.length; n++) {
                Map<NGram, Integer> counts = ngrams(hypothesis, n);
                Map<NGram, Integer> maxRef = new HashMap<>();
                for (int[] reference : references) {
                    Map<NGram, Integer> refCounts = ngrams(reference, n);
                    for (NGram g : counts.keySet()) {
                        maxRef.merge(g, refCounts.getOrDefault(g, 0), Math::max);
                    }
                }
                long clipped = 0;
                long total = 0;
                for (Map.Entry<NGram, Integer> e : counts.entrySet()) {
                    clipped += Math.min(e.getValue(), maxRef.get(e.getKey()));
                    total += e.getValue();
                }
                matches[n - 1] += clipped;
                totals[n - 1] += Math.max(1, total);
            }
            hypothesisLength += hypothesis.length;
            referenceLength += closestLength(references, hypothesis.length);
            sentences++;
        }

        /** Adds {@code other}'s sums into this (same maxOrder); returns this. */
        public Counts merge(Counts other) {
            if (other.matches.length != matches.length) {
                throw new IllegalArgumentException("cannot merge counts of orders up to " + other.matches.length
                        + " into counts up to " + matches.length);
            }
            for (int i = 0; i < matches.length; i++) {
                matches[i] += other.matches[i];
                totals[i] += other.totals[i];
            }
            hypothesisLength += other.hypothesisLength;
            referenceLength += other.referenceLength;
            sentences += other.sentences;
            return this;
        }

        /** BLEU-n: uniform weights over orders 1..n. */
        public double bleu(int n, Smoothing smoothing) {
            return score(uniform(n), smoothing);
        }

        /** BP · exp(sum_n w_n log p_n) over orders 1..weights.length. */
        public double score(double[] weights, Smoothing smoothing) {
            if (weights.length < 1 || weights.length > matches.length) {
                throw new IllegalArgumentException("weights: expected 1 to " + matches.length + " orders but got "
                        + weights.length);
            }
            if (matches[0] == 0) {
                return 0;
            }
            double logSum = 0;
            for (int i = 0; i < weights.length; i++) {
                double p;
                if (matches[i] > 0) {
                    p = (double) matches[i] / totals[i];
                } else if (smoothing == Smoothing.METHOD1) {
                    p = Smoothing.EPSILON / totals[i];
                } else {
                    return 0;
                }
                logSum += weights[i] * Math.log(p);
            }
            return brevityPenalty(referenceLength, hypothesisLength) * Math.exp(logSum);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "matches %s of %s n-grams, length %d vs reference %d, %d sentences",
                    Arrays.toString(matches), Arrays.toString(totals), hypothesisLength, referenceLength, sentences);
        }
    }

    /** BP = 1 if c &gt; r, 0 if c = 0, else exp(1 - r/c). */
    public static double brevityPenalty(long referenceLength, long hypothesisLength) {
        if (hypothesisLength > referenceLength) {
            return 1;
        }
        if (hypothesisLength == 0) {
            return 0;
        }
        return Math.exp(1 - (double) referenceLength / hypothesisLength);
    }

    /** The reference length closest to {@code hypothesisLength}; the shorter one of two equally close. */
    public static int closestLength(List<int[]> references, int hypothesisLength) {
        int best = -1;
        for (int[] r : references) {
            int d = Math.abs(r.length - hypothesisLength);
            int bestD = Math.abs(best - hypothesisLength);
            if (best < 0 || d < bestD || (d == bestD && r.length < best)) {
                best = r.length;
            }
        }
        return best;
    }

    private static Map<NGram, Integer> ngrams(int[] tokens, int n) {
        Map<NGram, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.length; i++) {
            counts.merge(new NGram(tokens, i, n), 1, Integer::sum);
        }
        return counts;
    }

    /** n consecutive tokens, compared by value. */
    private static final class NGram {
        private final int[] tokens;
        private final int from;
        private final int n;
        private final int hash;

        NGram(int[] tokens, int from, int n) {
            this.tokens = tokens;
            this.from = from;
            this.n = n;
            int h = n;
            for (int i = from; i < from + n; i++) {
                h = 31 * h + tokens[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof NGram g) || g.n != n || g.hash != hash) {
                return false;
            }
            return Arrays.equals(tokens, from, from + n, g.tokens, g.from, g.from + n);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
