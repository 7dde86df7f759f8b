package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * PyTorch's {@code nn.LayerNorm(D)} over the last axis: {@code out = γ·(x − mean)/√(var + ε) + β}
 * with the biased variance and ε = 1e-5 (PyTorch's default, as in cs231n's decoder). x and out:
 * (..., D); γ ({@code weight} in the state_dict) and β ({@code bias}): (D,).
 */
public final class LayerNorm {
    /** PyTorch's default ε. */
    public static final double EPS = 1e-5;

    private Tensor gamma;
    private Tensor xhat;  // (M, D): normalised input, kept for backward
    private Tensor rstd;  // (M,): 1/√(var + ε) per row
    private Tensor out;

    /** Returns out (a reused buffer); keeps the normalised input and γ for backward. */
    public Tensor forward(Tensor x, Tensor gamma, Tensor beta) {
        Shapes.requireRank("gamma", gamma, 1, "(D,)");
        int d = gamma.dim(0);
        Shapes.require("beta", beta, d);
        if (x.rank() == 0 || x.dim(x.rank() - 1) != d) {
            throw new IllegalArgumentException("x: expected last axis of size " + d + " but got "
                    + Shapes.format(x.shape()));
        }
        Shapes.requireDType("x", x, gamma.dtype());
        Shapes.requireDType("beta", beta, gamma.dtype());
        int m = x.size() / Math.max(d, 1);
        this.gamma = gamma;
        xhat = Tensor.reuse(xhat, x.dtype(), m, d);
        rstd = Tensor.reuse(rstd, x.dtype(), m);
        out = Tensor.reuse(out, x.dtype(), m, d);
        Kernels.of(x.dtype()).layerNormForward(x.reshape(m, d), gamma, beta, EPS, out, xhat, rstd);
        return out.reshape(x.shape());
    }

    /** Backward of the last forward: writes dx (may be dout) and adds into dGamma and dBeta (D,). */
    public void backward(Tensor dout, Tensor dx, Tensor dGamma, Tensor dBeta) {
        int m = xhat.dim(0);
        int d = xhat.dim(1);
        Kernels.of(xhat.dtype()).layerNormBackward(dout.reshape(m, d), xhat, rstd, gamma, dx.reshape(m, d), dGamma,
                dBeta);
    }
}
