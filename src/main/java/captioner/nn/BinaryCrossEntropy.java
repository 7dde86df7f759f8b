package captioner.nn;

import captioner.tensor.Tensor;

/**
 * Binary cross-entropy from the logit, PyTorch's {@code binary_cross_entropy_with_logits}: for logit z and label
 * y ∈ {0, 1}, {@code −y·log σ(z) − (1−y)·log(1−σ(z))}, computed as {@code max(z, 0) − z·y + log1p(exp(−|z|))}
 * so that neither log nor exp overflows for any z (the sigmoid's score would round to 0 or 1 at |z| > 17 in
 * float64). Its gradient is {@code σ(z) − y}. logits and dLogits: (N,) or (N, 1); labels: (N,).
 */
public final class BinaryCrossEntropy {
    private BinaryCrossEntropy() {
    }

    /** The loss summed over the N rows times {@code scale}; writes the gradient into dLogits (which may be logits). */
    public static double forwardBackward(Tensor logits, int[] labels, double scale, Tensor dLogits) {
        int n = logits.size();
        if (labels.length != n || dLogits.size() != n) {
            throw new IllegalArgumentException("labels and dLogits: expected " + n + " rows (one logit each) but got "
                    + labels.length + " and " + dLogits.size());
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            if (y != 0 && y != 1) {
                throw new IllegalArgumentException("label " + y + " at row " + i + " is not 0 or 1");
            }
            double z = logits.get(i);
            sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
            dLogits.set(i, (sigmoid(z) - y) * scale);
        }
        return sum * scale;
    }

    /** σ(z) without overflow: exp is only taken of a non-positive number. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
