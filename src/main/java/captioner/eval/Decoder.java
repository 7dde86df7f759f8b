package captioner.eval;

import captioner.BadInputException;
import captioner.model.CaptionGenerator;
import captioner.model.DecodingState;
import captioner.tensor.Tensor;

import java.io.Serializable;

/**
 * How captions are generated from a model: {@link Greedy} (cs231n's {@code sample}), {@link BeamSearch} or
 * {@link TemperatureSampling}. Decoders are small immutable values, validated when made, that Spark ships to
 * the partitions; they use only the step-wise API of {@link CaptionGenerator}, so each is written once for every
 * model family, and know nothing of Spark. A caption is cut at {@link #maxLength} words or at the model's
 * positions, whichever is fewer.
 */
public sealed interface Decoder extends Serializable permits Greedy, BeamSearch, TemperatureSampling {
    /** cs231n's default {@code max_length} of {@code sample}. */
    int DEFAULT_MAX_LENGTH = 30;

    /**
     * One caption per image.
     *
     * @param features  (N, D) in the model's dtype
     * @param imageIdxs (N) the images' indices in their split: what seeds per-image randomness, so a caption does
     *                  not depend on which other images share its batch or partition
     */
    <S extends DecodingState<S>> Caption[] decode(CaptionGenerator<S> model, Tensor features, int[] imageIdxs);

    /** The most words a caption may have, {@code <END>} included. */
    int maxLength();

    /** A short description for people: "greedy", "beam 3", "temperature 0.7 (seed 1)". */
    String label();

    /** The most words this decoder emits for {@code model}: {@link #maxLength}, or fewer when it has fewer positions. */
    default int steps(CaptionGenerator<?> model) {
        return Math.min(maxLength(), model.config().positions());
    }

    /** The caption of row {@code row} of a {@link CaptionGenerator#sample}-style array. */
    static Caption captionOfRow(int[] rows, int row, int maxLength, int endIdx, double logProb) {
        int from = row * maxLength;
        int n = 0;
        while (n < maxLength && rows[from + n] != endIdx) {
            n++;
        }
        return new Caption(java.util.Arrays.copyOfRange(rows, from, from + n), n < maxLength, logProb);
    }

    static void checkMaxLength(int maxLength) {
        if (maxLength < 1) {
            throw new BadInputException("max length is " + maxLength + "; expected at least 1 word");
        }
    }
}
