package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * LSTM with cs231n's gate order along the 4H axis: input i, forget f, output o, block input g.
 * {@code a = x_t·Wx + h_{t-1}·Wh + b}; {@code c_t = f*c_{t-1} + i*g}; {@code h_t = o*tanh(c_t)}.
 * Wx: (D, 4H), Wh: (H, 4H), b: (4H,). Over a sequence the cell state starts at zero and stays
 * internal, as in cs231n; a single step ({@link #stepForward}) takes and returns it.
 */
public final class Lstm implements RecurrentLayer {
    private Tensor x;
    private Tensor wx;
    private Tensor wh;
    private Tensor gates;   // (T, N, 4H): activated i, f, o, g
    private Tensor hs;      // (T+1, N, H): hs[0] = h0
    private Tensor cs;      // (T+1, N, H): cs[0] = c0
    private Tensor tanhC;   // (T, N, H)
    private Tensor da;      // (T, N, 4H)
    private Tensor dNext;   // (N, H): gradient flowing into h_{t-1}
    private Tensor dhTotal; // (N, H)
    private Tensor dc;      // (N, H): gradient on c, from c_T back to c_0

    @Override
    public Tensor forward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return run(x, h0, null, wx, wh, b);
    }

    /** The sequence with initial cell state c0 (zero when null); returns h (T, N, H). */
    private Tensor run(Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        int[] s = RecurrentLayer.checkSequence(x, h0, wx, wh, b, 4);
        int t = s[0];
        int n = s[1];
        int d = s[2];
        int h = s[3];
        Kernels k = Kernels.of(x.dtype());
        this.x = x;
        this.wx = wx;
        this.wh = wh;
        gates = Tensor.reuse(gates, x.dtype(), t, n, 4 * h);
        hs = Tensor.reuse(hs, x.dtype(), t + 1, n, h);
        cs = Tensor.reuse(cs, x.dtype(), t + 1, n, h);
        tanhC = Tensor.reuse(tanhC, x.dtype(), t, n, h);
        hs.slice(0).copyFrom(h0);
        if (c0 == null) {
            cs.slice(0).fill(0);
        } else {
            cs.slice(0).copyFrom(c0);
        }
        k.gemm(false, false, 1, x.reshape(t * n, d), wx, 0, gates.reshape(t * n, 4 * h));
        k.addRowVector(gates, b);
        for (int i = 0; i < t; i++) {
            Tensor a = gates.slice(i);
            k.gemm(false, false, 1, hs.slice(i), wh, 1, a);
            k.lstmGatesForward(a, cs.slice(i), cs.slice(i + 1), tanhC.slice(i), hs.slice(i + 1));
        }
        return hs.slices(1, t);
    }

    @Override
    public void backward(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) {
        backward(dh, null, dx, dh0, null, dWx, dWh, db);
    }

    /** Backward with a gradient dcT on the last cell state (zero when null); writes dc0 unless null. */
    private void backward(Tensor dh, Tensor dcT, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWx, Tensor dWh, Tensor db) {
        int t = hs.dim(0) - 1;
        int n = hs.dim(1);
        int h = hs.dim(2);
        int d = x.dim(2);
        Kernels k = Kernels.of(hs.dtype());
        da = Tensor.reuse(da, hs.dtype(), t, n, 4 * h);
        dNext = Tensor.reuse(dNext, hs.dtype(), n, h);
        dhTotal = Tensor.reuse(dhTotal, hs.dtype(), n, h);
        dc = Tensor.reuse(dc, hs.dtype(), n, h);
        dNext.fill(0);
        if (dcT == null) {
            dc.fill(0);
        } else {
            dc.copyFrom(dcT);
        }
        for (int i = t - 1; i >= 0; i--) {
            dhTotal.copyFrom(dh.slice(i));
            k.axpy(1, dNext, dhTotal);
            Tensor dai = da.slice(i);
            k.lstmGatesBackward(gates.slice(i), cs.slice(i), tanhC.slice(i), dhTotal, dc, dai);
            k.gemm(false, true, 1, dai, wh, 0, dNext);
        }
        Tensor daFlat = da.reshape(t * n, 4 * h);
        k.gemm(true, false, 1, x.reshape(t * n, d), daFlat, 1, dWx);
        k.gemm(true, false, 1, hs.slices(0, t).reshape(t * n, h), daFlat, 1, dWh);
        k.addColumnSums(daFlat, db);
        k.gemm(false, true, 1, daFlat, wx, 0, dx.reshape(t * n, d));
        dh0.copyFrom(dNext);
        if (dc0 != null) {
            dc0.copyFrom(dc);
        }
    }

    /** One step: x (N, D), prevH and prevC (N, H) → next h (index 0) and next c (index 1), reused buffers. */
    public Tensor[] stepForward(Tensor x, Tensor prevH, Tensor prevC, Tensor wx, Tensor wh, Tensor b) {
        Tensor nextH = run(x.reshape(1, x.dim(0), x.dim(1)), prevH, prevC, wx, wh, b).slice(0);
        return new Tensor[] {nextH, cs.slice(1)};
    }

    /** Backward of the last {@link #stepForward}: writes dx, dPrevH, dPrevC; adds into dWx, dWh, db. */
    public void stepBackward(Tensor dNextH, Tensor dNextC, Tensor dx, Tensor dPrevH, Tensor dPrevC,
                             Tensor dWx, Tensor dWh, Tensor db) {
        backward(dNextH.reshape(1, dNextH.dim(0), dNextH.dim(1)), dNextC, dx.reshape(1, dx.dim(0), dx.dim(1)),
                dPrevH, dPrevC, dWx, dWh, db);
    }
}
