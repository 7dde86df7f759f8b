package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * Vanilla RNN with tanh: {@code h_t = tanh(x_t·Wx + h_{t-1}·Wh + b)}. Wx: (D, H), Wh: (H, H), b: (H,).
 * A packed sequence ({@link PackedSteps}) runs each step over the sequences still running. A single step is
 * the sequence with T = 1 ({@link #stepForward}, {@link #stepBackward}).
 */
public final class VanillaRnn implements RecurrentLayer {
    private Tensor x;
    private Tensor wx;
    private Tensor wh;
    private PackedSteps steps;
    private Tensor hs;      // (N + P, H): rows [0, N) = h0, then h of each step
    private Tensor hPrev;   // (P, H): h_{t-1} of every packed row, gathered when the steps are not all full
    private Tensor da;      // (P, H): gradient on the pre-activation
    private Tensor dNext;   // (N, H): gradient flowing into h_{t-1}

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public Tensor forwardPacked(Tensor x, PackedSteps steps, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        int[] s = RecurrentLayer.checkPacked(x, steps, h0, wx, wh, b, 1);
        int p = steps.rows();
        int n = steps.batch();
        int h = s[1];
        Kernels k = Kernels.of(x.dtype());
        this.x = x;
        this.wx = wx;
        this.wh = wh;
        this.steps = steps;
        hs = Tensor.reuse(hs, x.dtype(), n + p, h);
        hs.slices(0, n).copyFrom(h0);
        Tensor out = hs.slices(n, p);
        // The input projection of every step at once; the recurrence then adds h_{t-1}·Wh step by step.
        k.gemm(false, false, 1, x, wx, 0, out);
        k.addRowVector(out, b);
        for (int i = 0; i < steps.steps(); i++) {
            Tensor next = hs.slices(n + steps.offset(i), steps.size(i));
            k.gemm(false, false, 1, hs.slices(steps.previousRow(i), steps.size(i)), wh, 1, next);
            k.tanh(next);
        }
        return out;
    }

    @Override
    public void backwardPacked(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) {
        int p = steps.rows();
        int n = steps.batch();
        int h = hs.dim(1);
        Kernels k = Kernels.of(hs.dtype());
        da = Tensor.reuse(da, hs.dtype(), p, h);
        dNext = Tensor.reuse(dNext, hs.dtype(), n, h);
        // Rows past a step's size stay zero until an earlier (larger) step reaches them.
        dNext.fill(0);
        for (int i = steps.steps() - 1; i >= 0; i--) {
            int rows = steps.size(i);
            int at = steps.offset(i);
            Tensor dai = da.slices(at, rows);
            dai.copyFrom(dh.slices(at, rows));
            k.axpy(1, dNext.slices(0, rows), dai);
            k.tanhBackward(hs.slices(n + at, rows), dai, dai);
            k.gemm(false, true, 1, dai, wh, 0, dNext.slices(0, rows));
        }
        hPrev = RecurrentLayer.inputGradients(steps, x, hs, hPrev, da, wx, dx, dWx, dWh, db);
        dh0.copyFrom(dNext);
    }

    /** One step: x (N, D), prevH (N, H) → next h (N, H), a reused buffer. */
    public Tensor stepForward(Tensor x, Tensor prevH, Tensor wx, Tensor wh, Tensor b) {
        return forwardPacked(x, PackedSteps.full(1, x.dim(0)), prevH, wx, wh, b);
    }

    /** Backward of the last {@link #stepForward}: writes dx and dPrevH, adds into dWx, dWh, db. */
    public void stepBackward(Tensor dNextH, Tensor dx, Tensor dPrevH, Tensor dWx, Tensor dWh, Tensor db) {
        backwardPacked(dNextH, dx, dPrevH, dWx, dWh, db);
    }
}
