package captioner.model;

import captioner.BadInputException;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

/**
 * The sizes and special tokens that define a captioning model, cs231n's constructor arguments:
 * V words, image features of width D, word vectors of width W, hidden state of width H. The
 * {@code <START>} and {@code <END>} indices may be -1 (absent) for models that are only trained,
 * as in the cs231n parity checks; sampling needs them.
 */
public record ModelConfig(CellType cell, int vocabSize, int inputDim, int wordvecDim, int hiddenDim,
                          int nullIdx, int startIdx, int endIdx) implements CaptionSpec {

    public ModelConfig {
        if (cell == null || !cell.recurrent()) {
            throw new IllegalArgumentException("cell: expected rnn or lstm but got " + cell);
        }
        positive("vocabulary size V", vocabSize);
        positive("feature width D", inputDim);
        positive("word vector width W", wordvecDim);
        positive("hidden size H", hiddenDim);
        index("nullIdx", nullIdx, vocabSize, false);
        index("startIdx", startIdx, vocabSize, true);
        index("endIdx", endIdx, vocabSize, true);
    }

    /** A model over {@code vocab} with its special tokens. */
    public static ModelConfig of(CellType cell, Vocabulary vocab, int inputDim, int wordvecDim, int hiddenDim) {
        return new ModelConfig(cell, vocab.size(), inputDim, wordvecDim, hiddenDim, vocab.nullIdx(), vocab.startIdx(),
                vocab.endIdx());
    }

    @Override
    public ParamLayout layout() {
        return new ParamLayout(this);
    }

    @Override
    public Tensor initialParams(DType dtype, long seed) {
        return CaptioningModel.initialParams(this, dtype, seed);
    }

    @Override
    public CaptioningModel newModel(Tensor params) {
        return new CaptioningModel(this, params);
    }

    @Override
    public String summary() {
        return String.format("%s (V=%d, D=%d, W=%d, H=%d", cell.label(), vocabSize, inputDim, wordvecDim, hiddenDim);
    }

    /**
     * Matrix-product FLOPs (2 per multiply-add) of one caption's forward and backward pass over
     * {@code steps} time steps: the feature projection and its weight gradient (4DH), the recurrent
     * input and hidden products with both their gradients (6·T·gH·(W + H), g = 4 gates for the LSTM),
     * and the vocabulary scores with both gradients (6·T·H·V). Elementwise work is not counted.
     */
    @Override
    public double flopsPerCaption(int steps) {
        double h = hiddenDim;
        double gh = cell.gates * h;
        return 4.0 * inputDim * h + 6.0 * steps * gh * (wordvecDim + h) + 6.0 * steps * h * vocabSize;
    }

    /** Sizes come from flags and from the shapes of {@code --init} files, so a wrong one is bad input. */
    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new BadInputException(name + " " + value + ": expected a positive size");
        }
    }

    static void index(String name, int value, int vocabSize, boolean optional) {
        if ((optional && value == -1) || (value >= 0 && value < vocabSize)) {
            return;
        }
        throw new IllegalArgumentException(name + ": expected an index in [0, " + vocabSize + ")"
                + (optional ? " or -1" : "") + " but got " + value);
    }
}
