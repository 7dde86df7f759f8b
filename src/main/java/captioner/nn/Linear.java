package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * PyTorch's {@code nn.Linear}: {@code out = x·Wᵀ + b} with weight (out, in) and bias (out,), the layout
 * and names of PyTorch's {@code state_dict} ({@code fc1.weight}, {@code fc1.bias}), so checkpoints
 * exchange these tensors with PyTorch unchanged. (cs231n's numpy {@link Affine} stores W as (in, out).)
 * x: (..., in), out: (..., out); leading axes are flattened, so this is also the linear layer over time.
 */
public final class Linear {
    private Tensor x;
    private Tensor w;
    private Tensor out;

    /** Returns out (a buffer this layer reuses on the next call); keeps x and weight for backward. */
    public Tensor forward(Tensor x, Tensor weight, Tensor bias) {
        Shapes.requireRank("weight", weight, 2, "(out, in)");
        int m = weight.dim(0);
        int d = weight.dim(1);
        Shapes.require("bias", bias, m);
        if (x.rank() == 0 || x.dim(x.rank() - 1) != d) {
            throw new IllegalArgumentException("x: expected last axis of size " + d + " (weight is "
                    + Shapes.format(weight.shape()) + ") but got " + Shapes.format(x.shape()));
        }
        Shapes.requireDType("x", x, weight.dtype());
        Shapes.requireDType("bias", bias, weight.dtype());
        int n = x.size() / Math.max(d, 1);
        Kernels k = Kernels.of(weight.dtype());
        this.x = x.reshape(n, d);
        this.w = weight;
        out = Tensor.reuse(out, weight.dtype(), n, m);
        k.gemm(false, true, 1, this.x, weight, 0, out);
        k.addRowVector(out, bias);
        int[] shape = x.shape();
        shape[shape.length - 1] = m;
        return out.reshape(shape);
    }

    /**
     * Backward of the last forward with dout (..., out): adds {@code doutᵀ·x} into dWeight (out, in)
     * and the column sums of dout into dBias; writes {@code dout·W} into dx (..., in) unless dx is null.
     */
    public void backward(Tensor dout, Tensor dx, Tensor dWeight, Tensor dBias) {
        int n = x.dim(0);
        int m = w.dim(0);
        Tensor g = dout.reshape(n, m);
        Kernels k = Kernels.of(w.dtype());
        k.gemm(true, false, 1, g, x, 1, dWeight);
        k.addColumnSums(g, dBias);
        if (dx != null) {
            k.gemm(false, false, 1, g, w, 0, dx.reshape(n, w.dim(1)));
        }
    }
}
