package captioner.nn;

import captioner.tensor.Tensor;

/**
 * A recurrent layer over a whole sequence, time-major: x (T, N, D), h0 (N, H), output h (T, N, H).
 * Time-major keeps each step one contiguous (N, ·) block, so a step is one matrix product and the
 * weight gradients are single products over all T·N rows.
 */
public interface RecurrentLayer {
    /** Runs the sequence; returns h (T, N, H), a buffer the layer reuses on the next call. */
    default Tensor forward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        int t = x.dim(0);
        int n = x.dim(1);
        checkSequence(x, h0, wx, wh, b, gates());
        Tensor h = forwardPacked(x.reshape(t * n, x.dim(2)), PackedSteps.full(t, n), h0, wx, wh, b);
        return h.reshape(t, n, h0.dim(1));
    }

    /**
     * Backward of the last forward with upstream gradient dh (T, N, H): writes dx (T, N, D) and dh0
     * (N, H), and adds the weight gradients into dWx, dWh and db.
     */
    default void backward(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db) {
        int rowsOut = dh.size() / dh.dim(dh.rank() - 1);
        backwardPacked(dh.reshape(rowsOut, dh.dim(dh.rank() - 1)), dx.reshape(rowsOut, dx.dim(dx.rank() - 1)), dh0, dWx, dWh, db);
    }

    /** How many blocks of H the weights have: 1 for the vanilla RNN, 4 for the LSTM. */
    int gates();

    /**
     * Runs a packed sequence: x (P, D) in the row layout of {@code steps}, h0 (N, H) in the packed order of the
     * sequences. Returns h (P, H), a buffer the layer reuses on the next call.
     */
    Tensor forwardPacked(Tensor x, PackedSteps steps, Tensor h0, Tensor wx, Tensor wh, Tensor b);

    /**
     * Backward of the last forward with upstream gradient dh (P, H) in the forward's packed layout: writes
     * dx (P, D) and dh0 (N, H) (zero for sequences of no step), and adds the weight gradients into dWx, dWh
     * and db.
     */
    void backwardPacked(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db);

    /**
     * What every cell does after its backward pass through time, from the pre-activation gradient da (P, gH):
     * adds {@code x^T·da} into dWx, {@code h_{t-1}^T·da} into dWh and da's column sums into db, and writes
     * {@code da·Wx^T} into dx. hs is the cell's (N + P, H) state tensor; h_{t-1} is a view of it when the steps are
     * full and is gathered into {@code buffer} otherwise. Returns the buffer, for reuse.
     */
    static Tensor inputGradients(PackedSteps steps, Tensor x, Tensor hs, Tensor buffer, Tensor da, Tensor wx, Tensor dx,
                                 Tensor dWx, Tensor dWh, Tensor db) {
        captioner.tensor.Kernels k = captioner.tensor.Kernels.of(da.dtype());
        k.gemm(true, false, 1, x, da, 1, dWx);
        Tensor previous = steps.isFull() ? hs.slices(0, steps.rows()) : (buffer = steps.gatherPrevious(hs, buffer));
        k.gemm(true, false, 1, previous, da, 1, dWh);
        k.addColumnSums(da, db);
        k.gemm(false, true, 1, da, wx, 0, dx);
        return buffer;
    }

    /**
     * The checks every cell does on its sequence inputs; {@code gates} is how many blocks of H the weights
     * have (1 for the vanilla RNN, 4 for the LSTM). Returns {T, N, D, H}.
     */
    static int[] checkSequence(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b, int gates) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("x: expected a rank-3 tensor (T, N, D) but got "
                    + captioner.tensor.Shapes.format(x.shape()));
        }
        int t = x.dim(0);
        int n = x.dim(1);
        int d = x.dim(2);
        if (h0.rank() != 2 || h0.dim(0) != n) {
            throw new IllegalArgumentException("h0: expected shape (" + n + ", H) but got "
                    + captioner.tensor.Shapes.format(h0.shape()));
        }
        int h = h0.dim(1);
        checkWeights(x, h0, wx, wh, b, d, h, gates);
        return new int[] {t, n, d, h};
    }

    /** The checks of a packed sequence's inputs against its layout; returns {D, H}. */
    static int[] checkPacked(Tensor x, PackedSteps steps, Tensor h0, Tensor wx, Tensor wh, Tensor b, int gates) {
        if (x.rank() != 2 || x.dim(0) != steps.rows()) {
            throw new IllegalArgumentException("x: expected a packed (" + steps.rows() + ", D) tensor but got "
                    + captioner.tensor.Shapes.format(x.shape()));
        }
        if (h0.rank() != 2 || h0.dim(0) != steps.batch()) {
            throw new IllegalArgumentException("h0: expected shape (" + steps.batch() + ", H) but got "
                    + captioner.tensor.Shapes.format(h0.shape()));
        }
        int d = x.dim(1);
        int h = h0.dim(1);
        checkWeights(x, h0, wx, wh, b, d, h, gates);
        return new int[] {d, h};
    }

    private static void checkWeights(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b, int d, int h, int gates) {
        captioner.tensor.Shapes.require("Wx", wx, d, gates * h);
        captioner.tensor.Shapes.require("Wh", wh, h, gates * h);
        captioner.tensor.Shapes.require("b", b, gates * h);
        for (Tensor p : new Tensor[] {h0, wx, wh, b}) {
            captioner.tensor.Shapes.requireDType("inputs", p, x.dtype());
        }
    }
}
