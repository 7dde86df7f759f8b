package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * LSTM with cs231n's gate order along the 4H axis: input i, forget f, output o, block input g.
 * {@code a = x_t·Wx + h_{t-1}·Wh + b}; {@code c_t = f*c_{t-1} + i*g}; {@code h_t = o*tanh(c_t)}.
 * Wx: (D, 4H), Wh: (H, 4H), b: (4H,). Over a sequence the cell state starts at zero and stays
 * internal, as in cs231n; a packed sequence ({@link PackedSteps}) runs each step over the sequences still
 * running. A single step ({@link #stepForward}) takes and returns it.
 */
public final class Lstm implements RecurrentLayer {
    private Tensor x;
    private Tensor wx;
    private Tensor wh;
    private PackedSteps steps;
    private Tensor gates;   // (P, 4H): activated i, f, o, g
    private Tensor hs;      // (N + P, H): rows [0, N) = h0, then h of each step
    private Tensor cs;      // (N + P, H): rows [0, N) = c0, then c of each step
    private Tensor tanhC;   // (P, H)
    private Tensor hPrev;   // (P, H): h_{t-1} of every packed row, gathered when the steps are not all full
    private Tensor da;      // (P, 4H)
    private Tensor dNext;   // (N, H): gradient flowing into h_{t-1}
    private Tensor dhTotal; // (N, H)
    private Tensor dc;      // (N, H): gradient on c, from c_T back to c_0

    @Override
    public int gates() {
        return 4;
    }

    @Override
    public Tensor forwardPacked(Tensor x, PackedSteps steps, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return run(x, steps, h0, null, wx, wh, b);
    }

    /** The packed sequence with initial cell state c0 (zero when null); returns h (P, H). */
    private Tensor run(Tensor x, PackedSteps steps, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        int[] s = RecurrentLayer.checkPacked(x, steps, h0, wx, wh, b, 4);
        int p = steps.rows();
        int n = steps.batch();
        int h = s[1];
        Kernels k = Kernels.of(x.dtype());
        this.x = x;
        this.wx = wx;
        this.wh = wh;
        this.steps = steps;
        gates = Tensor.reuse(gates, x.dtype(), p, 4 * h);
        hs = Tensor.reuse(hs, x.dtype(), n + p, h);
        cs = Tensor.reuse(cs, x.dtype(), n + p, h);
        tanhC = Tensor.reuse(tanhC, x.dtype(), p, h);
        hs.slices(0, n).copyFrom(h0);
        if (c0 == null) {
            cs.slices(0, n).fill(0);
        } else {
            cs.slices(0, n).copyFrom(c0);
        }
        k.gemm(false, false, 1, x, wx, 0, gates);
        k.addRowVector(gates, b);
        for (int i = 0; i < steps.steps(); i++) {
            int rows = steps.size(i);
            int prev = steps.previousRow(i);
            int at = steps.offset(i);
            Tensor a = gates.slices(at, rows);
            k.gemm(false, false, 1, hs.slices(prev, rows), wh, 1, a);
            k.lstmGatesForward(a, cs.slices(prev, rows), cs.slices(n + at, rows), tanhC.slices(at, rows),
                    hs.slices(n + at, rows));
        }
        return hs.slices(n, p);
    }

    @Override
    public void backwardPacked(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) {
        backward(dh, null, dx, dh0, null, dWx, dWh, db);
    }

    /** Backward with a gradient dcT on the last cell state (zero when null); writes dc0 unless null. */
    private void backward(Tensor dh, Tensor dcT, Tensor dx, Tensor dh0, Tensor dc0, Tensor dWx, Tensor dWh, Tensor db) {
        int p = steps.rows();
        int n = steps.batch();
        int h = hs.dim(1);
        Kernels k = Kernels.of(hs.dtype());
        da = Tensor.reuse(da, hs.dtype(), p, 4 * h);
        dNext = Tensor.reuse(dNext, hs.dtype(), n, h);
        dhTotal = Tensor.reuse(dhTotal, hs.dtype(), n, h);
        dc = Tensor.reuse(dc, hs.dtype(), n, h);
        // Rows past a step's size stay zero until an earlier (larger) step reaches them: ended sequences
        // send no gradient back.
        dNext.fill(0);
        if (dcT == null) {
            dc.fill(0);
        } else {
            dc.copyFrom(dcT);
        }
        for (int i = steps.steps() - 1; i >= 0; i--) {
            int rows = steps.size(i);
            int at = steps.offset(i);
            Tensor total = dhTotal.slices(0, rows);
            total.copyFrom(dh.slices(at, rows));
            k.axpy(1, dNext.slices(0, rows), total);
            Tensor dai = da.slices(at, rows);
            k.lstmGatesBackward(gates.slices(at, rows), cs.slices(steps.previousRow(i), rows), tanhC.slices(at, rows), total,
                    dc.slices(0, rows), dai);
            k.gemm(false, true, 1, dai, wh, 0, dNext.slices(0, rows));
        }
        hPrev = RecurrentLayer.inputGradients(steps, x, hs, hPrev, da, wx, dx, dWx, dWh, db);
        dh0.copyFrom(dNext);
        if (dc0 != null) {
            dc0.copyFrom(dc);
        }
    }

    /** One step: x (N, D), prevH and prevC (N, H) → next h (index 0) and next c (index 1), reused buffers. */
    public Tensor[] stepForward(Tensor x, Tensor prevH, Tensor prevC, Tensor wx, Tensor wh, Tensor b) {
        Tensor nextH = run(x, PackedSteps.full(1, x.dim(0)), prevH, prevC, wx, wh, b);
        return new Tensor[] {nextH, cs.slices(x.dim(0), x.dim(0))};
    }

    /** Backward of the last {@link #stepForward}: writes dx, dPrevH, dPrevC; adds into dWx, dWh, db. */
    public void stepBackward(Tensor dNextH, Tensor dNextC, Tensor dx, Tensor dPrevH, Tensor dPrevC,
                             Tensor dWx, Tensor dWh, Tensor db) {
        backward(dNextH, dNextC, dx, dPrevH, dPrevC, dWx, dWh, db);
    }
}
