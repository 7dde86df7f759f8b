package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * cs231n's temporal softmax loss: cross-entropy at every masked (sequence, step) position, summed
 * over time and multiplied by {@code scale} (1/N for cs231n's mean over the batch; 1 for the sums the
 * distributed trainer adds up). scores: (M, V) with M the (step, sequence) positions in any order,
 * y and mask: (M,) in the same order.
 */
public final class TemporalSoftmaxLoss {
    private TemporalSoftmaxLoss() {
    }

    /** Returns the loss and writes its gradient with respect to scores into dScores (which may be scores). */
    public static double forwardBackward(Tensor scores, int[] y, boolean[] mask, double scale, Tensor dScores) {
        int v = scores.dim(scores.rank() - 1);
        int m = scores.size() / Math.max(v, 1);
        if (y.length != m || mask.length != m) {
            throw new IllegalArgumentException("y and mask: expected " + m + " positions (scores are "
                    + java.util.Arrays.toString(scores.shape()) + ") but got " + y.length + " and " + mask.length);
        }
        for (int r = 0; r < m; r++) {
            if (mask[r] && (y[r] < 0 || y[r] >= v)) {
                throw new IllegalArgumentException("y: target " + y[r] + " at position " + r
                        + " is outside the vocabulary range [0, " + v + ")");
            }
        }
        return Kernels.of(scores.dtype()).softmaxCrossEntropy(scores, y, mask, scale, dScores);
    }
}
