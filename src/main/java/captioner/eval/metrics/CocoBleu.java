package captioner.eval.metrics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU-1..4 as the MS-COCO caption evaluation computes it (its {@code Bleu(4)} scorer, "closest" reference
 * length), which differs from NLTK's ({@link captioner.eval.Bleu}) in small, documented ways.
 *
 * <p>Per image: each hypothesis n-gram counts at most as often as it occurs in the single reference where it
 * occurs most (clipping); the hypothesis offers max(0, words − n + 1) n-grams of order n (NLTK: at least 1); the
 * reference length is the one closest to the hypothesis length, the shorter of two equally close. Over a corpus
 * all of these are summed, then BLEU-n = BP · Π_{k ≤ n} ((matches_k + 1e-15) / (n-grams_k + 1e-9))^(1/n) with
 * BP = exp(1 − 1/ratio) when ratio = (length + 1e-15) / (reference length + 1e-9) is below 1, else 1. The tiny
 * constants keep every division defined: an order with no n-grams or no matches gives a factor near 1e-6 or
 * below, not NLTK's 0, and an empty hypothesis gives BP = exp(1 − 1e6 · r), i.e. 0. An image's own (sentence)
 * score is the same formula on that image's counts alone.
 */
public final class CocoBleu {
    private static final double TINY = 1e-15;
    private static final double SMALL = 1e-9;

    private CocoBleu() {
    }

    /** One image's counts. */
    public static Counts of(String[] hypothesis, List<String[]> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a hypothesis needs at least one reference");
        }
        List<Map<String, Integer>> hyp = NGrams.count(hypothesis);
        List<Map<String, Integer>> maxRef = new java.util.ArrayList<>();
        for (int n = 0; n < NGrams.MAX_ORDER; n++) {
            maxRef.add(new HashMap<>());
        }
        for (String[] reference : references) {
            List<Map<String, Integer>> ref = NGrams.count(reference);
            for (int n = 0; n < NGrams.MAX_ORDER; n++) {
                Map<String, Integer> m = maxRef.get(n);
                ref.get(n).forEach((g, c) -> m.merge(g, c, Math::max));
            }
        }
        Counts c = new Counts();
        for (int n = 0; n < NGrams.MAX_ORDER; n++) {
            for (Map.Entry<String, Integer> e : hyp.get(n).entrySet()) {
                c.matches[n] += Math.min(e.getValue(), maxRef.get(n).getOrDefault(e.getKey(), 0));
            }
            c.ngrams[n] = Math.max(0, hypothesis.length - n);
        }
        c.length = hypothesis.length;
        c.referenceLength = closestLength(references, hypothesis.length);
        return c;
    }

    /** The reference length closest to {@code length}; the shorter of two equally close. */
    static int closestLength(List<String[]> references, int length) {
        int best = references.get(0).length;
        for (String[] r : references) {
            int d = Math.abs(r.length - length);
            int bestD = Math.abs(best - length);
            if (d < bestD || (d == bestD && r.length < best)) {
                best = r.length;
            }
        }
        return best;
    }

    /**
     * Matches, n-grams, lengths, summed over the images added: integers, so partitions can be counted apart and
     * merged in any order with the same result. A plain class: Spark's Kryo (4.x) cannot build records.
     */
    public static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long[] matches = new long[NGrams.MAX_ORDER];
        private final long[] ngrams = new long[NGrams.MAX_ORDER];
        private long length;
        private long referenceLength;

        /** No images yet. */
        public Counts() {
        }

        /** Adds {@code other}'s sums into this; returns this. */
        public Counts merge(Counts other) {
            for (int n = 0; n < NGrams.MAX_ORDER; n++) {
                matches[n] += other.matches[n];
                ngrams[n] += other.ngrams[n];
            }
            length += other.length;
            referenceLength += other.referenceLength;
            return this;
        }

        /** Clipped matches of order n (1-based). */
        public long matches(int n) {
            return matches[n - 1];
        }

        /** Hypothesis n-grams of order n (1-based). */
        public long ngrams(int n) {
            return ngrams[n - 1];
        }

        public long length() {
            return length;
        }

        /** Sum of the closest reference lengths. */
        public long referenceLength() {
            return referenceLength;
        }

        /** Element n-1: BLEU-n, n = 1..4. */
        public double[] scores() {
            double[] out = new double[NGrams.MAX_ORDER];
            double product = 1;
            for (int n = 0; n < out.length; n++) {
                product *= (matches[n] + TINY) / (ngrams[n] + SMALL);
                out[n] = Math.pow(product, 1.0 / (n + 1));
            }
            double ratio = (length + TINY) / (referenceLength + SMALL);
            if (ratio < 1) {
                double bp = Math.exp(1 - 1 / ratio);
                for (int n = 0; n < out.length; n++) {
                    out[n] *= bp;
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "matches " + Arrays.toString(matches) + " of " + Arrays.toString(ngrams) + ", length " + length
                    + " vs reference " + referenceLength;
        }
    }
}
