package captioner.model;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * The recurrent state of N captions being decoded one word at a time: the hidden state h (N, H) and, for the
 * LSTM, the cell state c (N, H). Rows are independent captions or the beams of a beam search. Made by
 * {@link CaptioningModel#startDecoding}, advanced in place by {@link CaptioningModel#decodeStep}, and reordered
 * for beams by {@link #select}.
 */
public final class DecoderState implements DecodingState<DecoderState> {
    private final Tensor h;
    private final Tensor c;

    /** @param c the LSTM cell state, or null for the vanilla RNN */
    DecoderState(Tensor h, Tensor c) {
        this.h = h;
        this.c = c;
    }

    @Override
    public int rows() {
        return h.dim(0);
    }

    /** h (N, H), the state the next word's scores are computed from. */
    public Tensor h() {
        return h;
    }

    /** c (N, H) for the LSTM; null for the vanilla RNN. */
    Tensor c() {
        return c;
    }

    @Override
    public DecoderState select(int[] rows) {
        int n = rows();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("rows[" + i + "] = " + rows[i] + " is outside the state's " + n
                        + " rows");
            }
        }
        return new DecoderState(gather(h, rows), c == null ? null : gather(c, rows));
    }

    private static Tensor gather(Tensor t, int[] rows) {
        Tensor out = Tensor.zeros(t.dtype(), rows.length, t.dim(1));
        Kernels.of(t.dtype()).gatherRows(t, rows, out);
        return out;
    }
}
