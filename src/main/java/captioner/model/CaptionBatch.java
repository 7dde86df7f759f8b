package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/** The checks every model makes of a batch before its loss: the one place for their messages. */
final class CaptionBatch {
    private CaptionBatch() {
    }

    /**
     * Checks features (N, inputDim) of {@code dtype} and N rows of {@code captionLength} word indices below
     * {@code vocabSize}; returns N.
     */
    static int check(Tensor features, int[] captions, int captionLength, int inputDim, int vocabSize, DType dtype) {
        Shapes.requireRank("features", features, 2, "(N, D)");
        int n = features.dim(0);
        Shapes.require("features", features, n, inputDim);
        Shapes.requireDType("features", features, dtype);
        if (captionLength < 2) {
            throw new IllegalArgumentException("captionLength: expected at least 2 (one word in, one out) but got "
                    + captionLength);
        }
        if (captions.length != n * captionLength) {
            throw new IllegalArgumentException("captions: expected shape (" + n + ", " + captionLength + "), i.e. "
                    + n * captionLength + " indices for " + n + " feature rows, but got " + captions.length);
        }
        for (int i = 0; i < captions.length; i++) {
            if (captions[i] < 0 || captions[i] >= vocabSize) {
                throw new IllegalArgumentException("captions: index " + captions[i] + " at row " + i / captionLength
                        + ", column " + i % captionLength + " is outside the vocabulary range [0, " + vocabSize + ")");
            }
        }
        return n;
    }
}
