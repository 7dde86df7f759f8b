package captioner.eval;

import captioner.BadInputException;
import captioner.model.CaptionGenerator;
import captioner.model.DecodingState;
import captioner.model.LogSoftmax;
import captioner.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sampling: each step draws the next word from softmax(scores / T). T &lt; 1 sharpens the distribution towards
 * greedy, T &gt; 1 flattens it. Each image draws from its own generator, seeded from (seed, image index), so its
 * draws do not depend on which images share its batch or partition (the scores can, by float rounding: BLAS may
 * round a row differently in a batch of another size, which flips a draw only if it falls within that rounding
 * of a boundary). A caption's log-probability is under the model itself (T = 1), comparable with greedy's and
 * beam search's.
 */
public record TemperatureSampling(double temperature, long seed, int maxLength) implements Decoder {

    public TemperatureSampling {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new BadInputException("temperature is " + temperature + "; expected a positive number "
                    + "(1 samples from the model's own distribution)");
        }
        Decoder.checkMaxLength(maxLength);
    }

    @Override
    public <S extends DecodingState<S>> Caption[] decode(CaptionGenerator<S> model, Tensor features,
                                                         int[] imageIdxs) {
        int n = features.dim(0);
        if (imageIdxs.length != n) {
            throw new IllegalArgumentException("imageIdxs: expected " + n + " entries but got " + imageIdxs.length);
        }
        int v = model.config().vocabSize();
        int end = model.config().endIdx();
        SplittableRandom[] rng = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            rng[i] = new SplittableRandom(mix(seed, imageIdxs[i]));
        }
        S state = model.startDecoding(features);
        int[] words = new int[n];
        Arrays.fill(words, model.config().startIdx());
        int steps = steps(model);
        int[][] emitted = new int[n][steps];
        int[] length = new int[n];
        boolean[] ended = new boolean[n];
        double[] logProb = new double[n];
        double[] p = new double[v];
        int open = n;
        for (int t = 0; t < steps && open > 0; t++) {
            Tensor scores = model.decodeStep(state, words);
            for (int i = 0; i < n; i++) {
                if (ended[i]) {
                    continue;
                }
                int w = draw(scores.view(i * v, v), p, rng[i]);
                words[i] = w;
                logProb[i] += LogSoftmax.at(scores, i, w);
                if (w == end) {
                    ended[i] = true;
                    open--;
                } else {
                    emitted[i][length[i]++] = w;
                }
            }
        }
        Caption[] out = new Caption[n];
        for (int i = 0; i < n; i++) {
            out[i] = new Caption(Arrays.copyOf(emitted[i], length[i]), ended[i], logProb[i]);
        }
        return out;
    }

    /** A word drawn with probability proportional to exp((s - max) / T). */
    private int draw(Tensor row, double[] p, SplittableRandom rng) {
        double[] s = row.toDoubleArray();
        double max = Double.NEGATIVE_INFINITY;
        for (double x : s) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            p[j] = Math.exp((s[j] - max) / temperature);
            sum += p[j];
        }
        double u = rng.nextDouble() * sum;
        double cumulative = 0;
        for (int j = 0; j < s.length; j++) {
            cumulative += p[j];
            if (u < cumulative) {
                return j;
            }
        }
        // Rounding can leave u just above the last partial sum: the last word with any mass.
        for (int j = s.length - 1; j > 0; j--) {
            if (p[j] > 0) {
                return j;
            }
        }
        return 0;
    }

    /** A 64-bit seed from (seed, image): SplitMix64's finaliser over both, so nearby images get unrelated streams. */
    static long mix(long seed, int image) {
        long z = seed * 0x9E3779B97F4A7C15L + image;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String label() {
        return "temperature " + temperature + " (seed " + seed + ")";
    }
}
