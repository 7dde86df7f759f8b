package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * Inverted dropout as PyTorch's {@code nn.Dropout(p)}: in training each element is zeroed with
 * probability p and the rest are scaled by 1/(1 − p); at evaluation (no mask) and for p = 0 it is the
 * identity. Which elements drop comes from a {@link DropoutMask}, so training stays deterministic.
 * x and out: any shape.
 */
public final class Dropout {
    private final double p;
    private boolean[] keep = new boolean[0];
    private boolean active;
    private Tensor out;

    /** {@code 0 ≤ p < 1}. */
    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1) but got " + p);
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    /**
     * Returns x itself when {@code mask} is null (evaluation) or p = 0, otherwise out, a buffer this
     * layer reuses; keeps the mask's flags for backward.
     */
    public Tensor forward(Tensor x, DropoutMask mask) {
        active = mask != null && p > 0;
        if (!active) {
            return x;
        }
        int n = x.size();
        if (keep.length < n) {
            keep = new boolean[n];
        }
        mask.fill(p, keep, n);
        out = Tensor.reuse(out, x.dtype(), x.shape());
        Kernels.of(x.dtype()).dropout(x, keep, 1.0 / (1.0 - p), out);
        return out;
    }

    /** Backward of the last forward: dx = dout through the same flags and scale; dx may be dout. */
    public void backward(Tensor dout, Tensor dx) {
        if (active) {
            Kernels.of(dout.dtype()).dropout(dout, keep, 1.0 / (1.0 - p), dx);
        } else if (dx != dout) {
            dx.copyFrom(dout);
        }
    }
}
