package captioner.model;

import captioner.tensor.Tensor;

/**
 * Log-probabilities of the next word from a row of scores, in double whatever the model's dtype:
 * {@code log p[w] = s[w] - m - log(sum_v exp(s[v] - m))} with m the row's largest score, so no exponent
 * overflows. Every method computes a row the same way, so the same row gives bitwise the same values.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** Every row of {@code scores} (N, V): returns N·V log-probabilities, row-major. */
    public static double[] rows(Tensor scores) {
        int v = scores.dim(scores.rank() - 1);
        double[] out = scores.toDoubleArray();
        for (int from = 0; from < out.length; from += v) {
            double shift = shift(out, from, v);
            for (int j = from; j < from + v; j++) {
                out[j] -= shift;
            }
        }
        return out;
    }

    /** {@code log p[word]} in row {@code row} of {@code scores} (N, V). */
    public static double at(Tensor scores, int row, int word) {
        int v = scores.dim(scores.rank() - 1);
        double[] s = scores.view(row * v, v).toDoubleArray();
        return s[word] - shift(s, 0, v);
    }

    /** {@code m + log(sum exp(s - m))} over {@code s[from .. from+v)}: what a score minus gives its log-probability. */
    private static double shift(double[] s, int from, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = from; j < from + v; j++) {
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = from; j < from + v; j++) {
            sum += Math.exp(s[j] - max);
        }
        return max + Math.log(sum);
    }
}
