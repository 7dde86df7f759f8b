package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * Fully connected layer {@code out = x·w + b}. x: (N, D), w: (D, M), b: (M,), out: (N, M). Any
 * leading axes of x are flattened into N, so the same layer is cs231n's temporal affine.
 */
public final class Affine {
    private Tensor x;
    private Tensor w;
    private Tensor out;

    /** Returns out (a buffer this layer reuses on the next call); keeps x and w for backward. */
    public Tensor forward(Tensor x, Tensor w, Tensor b) {
        int d = w.dim(0);
        int m = w.dim(1);
        Shapes.requireRank("w", w, 2, "(D, M)");
        Shapes.require("b", b, m);
        if (x.dim(x.rank() - 1) != d) {
            throw new IllegalArgumentException("x: expected last axis of size " + d + " (w is " + Shapes.format(w.shape())
                    + ") but got " + Shapes.format(x.shape()));
        }
        Shapes.requireDType("x", x, w.dtype());
        Shapes.requireDType("b", b, w.dtype());
        int n = x.size() / Math.max(d, 1);
        Kernels k = Kernels.of(w.dtype());
        this.x = x.reshape(n, d);
        this.w = w;
        out = Tensor.reuse(out, w.dtype(), n, m);
        k.gemm(false, false, 1, this.x, w, 0, out);
        k.addRowVector(out, b);
        int[] shape = x.shape();
        shape[shape.length - 1] = m;
        return out.reshape(shape);
    }

    /**
     * Backward of the last forward. Adds {@code x^T·dout} into dw and the column sums of dout into
     * db; writes {@code dout·w^T} into dx unless dx is null (cs231n's affine into h0 needs no dx).
     */
    public void backward(Tensor dout, Tensor dx, Tensor dw, Tensor db) {
        int n = x.dim(0);
        int m = w.dim(1);
        Tensor g = dout.reshape(n, m);
        Kernels k = Kernels.of(w.dtype());
        k.gemm(true, false, 1, x, g, 1, dw);
        k.addColumnSums(g, db);
        if (dx != null) {
            k.gemm(false, true, 1, g, w, 0, dx.reshape(n, w.dim(0)));
        }
    }
}
