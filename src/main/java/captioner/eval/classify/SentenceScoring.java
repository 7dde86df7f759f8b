package captioner.eval.classify;

import captioner.model.classify.ClassificationTransformer;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

/**
 * A classifier's logits for every sentence of a split, in batches of {@value #BATCH} (bounding the (N·T, F) buffer
 * of the feed-forward block), on the driver: a CoLA split is a few thousand short sentences.
 */
public final class SentenceScoring {
    static final int BATCH = 256;

    private SentenceScoring() {
    }

    /** The logits (N,) of N sentences of {@code length} tokens (row-major), float64. */
    public static Tensor logits(ClassificationTransformer model, int[] tokens, int length) {
        int n = tokens.length / length;
        Tensor out = Tensor.zeros(DType.FLOAT64, n);
        for (int from = 0; from < n; from += BATCH) {
            int count = Math.min(BATCH, n - from);
            int[] batch = java.util.Arrays.copyOfRange(tokens, from * length, (from + count) * length);
            Tensor z = model.logits(batch, length);
            for (int i = 0; i < count; i++) {
                out.set(from + i, z.get(i));
            }
        }
        return out;
    }
}
