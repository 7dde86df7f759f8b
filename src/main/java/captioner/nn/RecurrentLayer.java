package captioner.nn;

import captioner.tensor.Tensor;

/**
 * A recurrent layer over a whole sequence, time-major: x (T, N, D), h0 (N, H), output h (T, N, H).
 * Time-major keeps each step one contiguous (N, ·) block, so a step is one matrix product and the
 * weight gradients are single products over all T·N rows.
 */
public interface RecurrentLayer {
    /** Runs the sequence; returns h (T, N, H), a buffer the layer reuses on the next call. */
    Tensor forward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b);

    /**
     * Backward of the last forward with upstream gradient dh (T, N, H): writes dx (T, N, D) and dh0
     * (N, H), and adds the weight gradients into dWx, dWh and db.
     */
    void backward(Tensor dh, Tensor dx, Tensor dh0, Tensor dWx, Tensor dWh, Tensor db);

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
        captioner.tensor.Shapes.require("Wx", wx, d, gates * h);
        captioner.tensor.Shapes.require("Wh", wh, h, gates * h);
        captioner.tensor.Shapes.require("b", b, gates * h);
        for (Tensor p : new Tensor[] {h0, wx, wh, b}) {
            captioner.tensor.Shapes.requireDType("inputs", p, x.dtype());
        }
        return new int[] {t, n, d, h};
    }
}
