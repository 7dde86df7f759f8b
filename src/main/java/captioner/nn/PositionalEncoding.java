package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * cs231n's sinusoidal positional encoding, added to the word vectors:
 * {@code pe[pos, 2i] = sin(pos·10000^(−2i/W))}, {@code pe[pos, 2i+1] = cos(pos·10000^(−2i/W))}.
 * x and out: (N, T, W) with T ≤ maxLength; the table: (maxLength, W), computed once in double. The
 * backward is the identity (dx = dout), so there is no backward method. cs231n applies dropout after
 * the sum; here that is a separate {@link Dropout}. PyTorch keeps the table as the buffer
 * {@code positional_encoding.pe} (1, maxLength, W), which a checkpoint need not store.
 */
public final class PositionalEncoding {
    private final Tensor pe;
    private Tensor out;

    /** W even (sines and cosines come in pairs). */
    public PositionalEncoding(int width, int maxLength, DType dtype) {
        if (width <= 0 || width % 2 != 0 || maxLength <= 0) {
            throw new IllegalArgumentException("positional encoding needs an even width and a positive maximum length"
                    + " but got width " + width + " and maximum length " + maxLength);
        }
        pe = Tensor.zeros(dtype, maxLength, width);
        for (int pos = 0; pos < maxLength; pos++) {
            for (int i = 0; 2 * i < width; i++) {
                double angle = pos * Math.pow(10000.0, -2.0 * i / width);
                pe.set(pos * width + 2 * i, Math.sin(angle));
                pe.set(pos * width + 2 * i + 1, Math.cos(angle));
            }
        }
    }

    /** The table (maxLength, W), a live view. */
    public Tensor table() {
        return pe;
    }

    public int maxLength() {
        return pe.dim(0);
    }

    /** Returns {@code x + pe[:T]} in out, a reused buffer. */
    public Tensor forward(Tensor x) {
        Shapes.requireRank("x", x, 3, "(N, T, W)");
        int n = x.dim(0);
        int t = x.dim(1);
        if (x.dim(2) != pe.dim(1) || t > pe.dim(0)) {
            throw new IllegalArgumentException("x: expected (N, T ≤ " + pe.dim(0) + ", " + pe.dim(1) + ") but got "
                    + Shapes.format(x.shape()));
        }
        Shapes.requireDType("x", x, pe.dtype());
        out = Tensor.reuse(out, x.dtype(), n, t, pe.dim(1));
        out.copyFrom(x);
        Kernels k = Kernels.of(x.dtype());
        Tensor rows = pe.slices(0, t);
        for (int i = 0; i < n; i++) {
            k.axpy(1, rows, out.slice(i));
        }
        return out;
    }
}
