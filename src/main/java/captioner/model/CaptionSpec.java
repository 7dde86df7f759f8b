package captioner.model;

import captioner.tensor.Tensor;

/**
 * A captioning family's description ({@link ModelConfig}: rnn, lstm; {@link TransformerConfig}): besides what
 * training needs, the special tokens decoding starts and stops at and how many words a caption can be fed.
 */
public interface CaptionSpec extends ModelSpec {
    /** {@code <NULL>}, the padding. */
    int nullIdx();

    /** {@code <START>}, the first word fed; -1 when the vocabulary has none (such a model cannot decode). */
    int startIdx();

    /** {@code <END>}, where greedy decoding of a caption stops; -1 when the vocabulary has none. */
    int endIdx();

    /** The most words a caption can be fed: unbounded for the recurrent cells, the positions of a Transformer. */
    default int positions() {
        return Integer.MAX_VALUE;
    }

    @Override
    CaptionGenerator<?> newModel(Tensor params);

    /**
     * Matrix-product FLOPs (2 per multiply-add) of one caption's forward and backward pass over {@code steps}
     * positions; elementwise work is not counted.
     */
    double flopsPerCaption(int steps);
}
