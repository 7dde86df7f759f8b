package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * The state of N captions decoded one word at a time by {@link CaptioningTransformer#decodeStep}: per decoder layer
 * the self-attention keys and values of the positions fed so far (N, maxLength, W; rows past {@link #position} are
 * unused) and the cross-attention keys and values of the one memory position (N, 1, W), computed once. Each step
 * attends to the cache instead of re-running the prefix, as cs231n's {@code sample} does.
 */
public final class TransformerDecoderState implements DecodingState<TransformerDecoderState> {
    final Tensor[] keys;
    final Tensor[] values;
    final Tensor[] memoryKeys;
    final Tensor[] memoryValues;
    int position;

    TransformerDecoderState(Tensor[] keys, Tensor[] values, Tensor[] memoryKeys, Tensor[] memoryValues, int position) {
        this.keys = keys;
        this.values = values;
        this.memoryKeys = memoryKeys;
        this.memoryValues = memoryValues;
        this.position = position;
    }

    @Override
    public int rows() {
        return keys[0].dim(0);
    }

    /** Words fed so far. */
    public int position() {
        return position;
    }

    @Override
    public TransformerDecoderState select(int[] rows) {
        int n = rows();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("rows[" + i + "] = " + rows[i] + " is outside the state's " + n
                        + " rows");
            }
        }
        return new TransformerDecoderState(gather(keys, rows), gather(values, rows), gather(memoryKeys, rows),
                gather(memoryValues, rows), position);
    }

    private static Tensor[] gather(Tensor[] perLayer, int[] rows) {
        Tensor[] out = new Tensor[perLayer.length];
        for (int l = 0; l < perLayer.length; l++) {
            Tensor t = perLayer[l];
            int width = t.size() / t.dim(0);
            DType dtype = t.dtype();
            Tensor flat = Tensor.zeros(dtype, rows.length, width);
            Kernels.of(dtype).gatherRows(t.reshape(t.dim(0), width), rows, flat);
            out[l] = flat.reshape(rows.length, t.dim(1), t.dim(2));
        }
        return out;
    }
}
