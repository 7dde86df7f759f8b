package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/** Word vectors by index: {@code out[r] = W[idx[r]]}. idx: (M,) in [0, V), W: (V, D), out: (M, D). */
public final class WordEmbedding {
    private int[] idx;
    private Tensor out;

    /** Returns out (a reused buffer); keeps idx for backward. */
    public Tensor forward(int[] idx, Tensor w) {
        int v = w.dim(0);
        for (int r = 0; r < idx.length; r++) {
            if (idx[r] < 0 || idx[r] >= v) {
                throw new IllegalArgumentException("word index " + idx[r] + " at position " + r
                        + " is outside the vocabulary range [0, " + v + ")");
            }
        }
        this.idx = idx;
        out = Tensor.reuse(out, w.dtype(), idx.length, w.dim(1));
        Kernels.of(w.dtype()).gatherRows(w, idx, out);
        return out;
    }

    /** Adds dout's rows into dW at the forward's indices; a word used twice gets both gradients. */
    public void backward(Tensor dout, Tensor dw) {
        Kernels.of(dw.dtype()).scatterAddRows(dout, idx, dw);
    }
}
