package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * Vanilla RNN with tanh: {@code h_t = tanh(x_t·Wx + h_{t-1}·Wh + b)}. Wx: (D, H), Wh: (H, H), b: (H,).
 * A single step is the sequence with T = 1 ({@link #stepForward}, {@link #stepBackward}).
 */
public final class VanillaRnn implements RecurrentLayer {
    private Tensor x;
    private Tensor wx;
    private Tensor wh;
    private Tensor hs;      // (T+1, N, H): hs[0] = h0, hs[t+1] = h_t
    private Tensor da;      // (T, N, H): gradient on the pre-activation
    private Tensor dNext;   // (N, H): gradient flowing into h_{t-1}

    @Override
    public Tensor forward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        int[] s = RecurrentLayer.checkSequence(x, h0, wx, wh, b, 1);
        int t = s[0];
        int n = s[1];
        int d = s[2];
        int h = s[3];
        Kernels k = Kernels.of(x.dtype());
        this.x = x;
        this.wx = wx;
        this.wh = wh;
        hs = Tensor.reuse(hs, x.dtype(), t + 1, n, h);
        hs.slice(0).copyFrom(h0);
        Tensor out = hs.slices(1, t);
        // The input projection of every step at once; the recurrence then adds h_{t-1}·Wh step by step.
        k.gemm(false, false, 1, x.reshape(t * n, d), wx, 0, out.reshape(t * n, h));
        k.addRowVector(out, b);
        for (int i = 0; i < t; i++) {
            Tensor next = hs.slice(i + 1);
            k.gemm(false, false, 1, hs.slice(i), wh, 1, next);
            k.tanh(next);
        }
        return out;
    }

    @Override
    public void backward(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) {
        int t = hs.dim(0) - 1;
        int n = hs.dim(1);
        int h = hs.dim(2);
        int d = x.dim(2);
        Kernels k = Kernels.of(hs.dtype());
        da = Tensor.reuse(da, hs.dtype(), t, n, h);
        dNext = Tensor.reuse(dNext, hs.dtype(), n, h);
        dNext.fill(0);
        for (int i = t - 1; i >= 0; i--) {
            Tensor dai = da.slice(i);
            dai.copyFrom(dh.slice(i));
            k.axpy(1, dNext, dai);
            k.tanhBackward(hs.slice(i + 1), dai, dai);
            k.gemm(false, true, 1, dai, wh, 0, dNext);
        }
        Tensor daFlat = da.reshape(t * n, h);
        k.gemm(true, false, 1, x.reshape(t * n, d), daFlat, 1, dWx);
        k.gemm(true, false, 1, hs.slices(0, t).reshape(t * n, h), daFlat, 1, dWh);
        k.addColumnSums(daFlat, db);
        k.gemm(false, true, 1, daFlat, wx, 0, dx.reshape(t * n, d));
        dh0.copyFrom(dNext);
    }

    /** One step: x (N, D), prevH (N, H) → next h (N, H), a reused buffer. */
    public Tensor stepForward(Tensor x, Tensor prevH, Tensor wx, Tensor wh, Tensor b) {
        return forward(x.reshape(1, x.dim(0), x.dim(1)), prevH, wx, wh, b).slice(0);
    }

    /** Backward of the last {@link #stepForward}: writes dx and dPrevH, adds into dWx, dWh, db. */
    public void stepBackward(Tensor dNextH, Tensor dx, Tensor dPrevH, Tensor dWx, Tensor dWh, Tensor db) {
        backward(dNextH.reshape(1, dNextH.dim(0), dNextH.dim(1)), dx.reshape(1, dx.dim(0), dx.dim(1)), dPrevH,
                dWx, dWh, db);
    }
}
