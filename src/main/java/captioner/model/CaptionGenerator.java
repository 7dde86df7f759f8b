package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

import java.util.Arrays;

/**
 * A captioning model that generates captions one word at a time: {@link #startDecoding} turns image features into
 * the family's {@link DecodingState}, {@link #decodeStep} feeds one word per row and gives the next word's scores.
 * cs231n's greedy {@link #sample} is written once here over those two; the decoders of {@code captioner.eval}
 * (greedy, beam search, temperature sampling) use the same two, so each works for every family.
 *
 * @param <S> the family's decoding state
 */
public interface CaptionGenerator<S extends DecodingState<S>> extends TrainableModel {
    /** The model's sizes and special tokens. */
    CaptionSpec config();

    /** The dtype of the parameters, which features must have. */
    DType dtype();

    /**
     * Starts decoding N captions from their images; the first {@link #decodeStep} then takes {@code <START>}.
     *
     * @param features (N, D) in the model's dtype
     */
    S startDecoding(Tensor features);

    /**
     * One decoding step for every row of {@code state}: feeds {@code previousWords} (N), advances the state in
     * place, and returns the scores of the next word, (N, V), without dropout. The scores may be a buffer the model
     * reuses on its next call; {@link LogSoftmax} turns them into log-probabilities.
     */
    Tensor decodeStep(S state, int[] previousWords);

    /**
     * cs231n's greedy {@code sample}; see {@link #sample(Tensor, int, double[])}.
     *
     * @return N rows of {@code maxLength} word indices, row-major; the first is the first sampled word
     */
    default int[] sample(Tensor features, int maxLength) {
        return sample(features, maxLength, null);
    }

    /**
     * cs231n's greedy {@code sample}: the first input is {@code <START>}, each step feeds back the highest-scoring
     * word (the first on ties). Once a row emits {@code <END>} the rest of that row is {@code <NULL>}; so is every
     * word past the model's {@link CaptionSpec#positions}. Writes into {@code logProbs} (N, unless null) each row's
     * summed log-probability of the words it emitted, {@code <END>} included when emitted.
     *
     * @param features (N, D)
     * @return N rows of {@code maxLength} word indices, row-major
     */
    default int[] sample(Tensor features, int maxLength, double[] logProbs) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: expected at least 1 but got " + maxLength);
        }
        CaptionSpec c = config();
        S state = startDecoding(features);
        int n = state.rows();
        if (logProbs != null && logProbs.length != n) {
            throw new IllegalArgumentException("logProbs: expected " + n + " entries but got " + logProbs.length);
        }
        Kernels k = Kernels.of(dtype());
        int[] words = new int[n];
        Arrays.fill(words, c.startIdx());
        int[] out = new int[n * maxLength];
        Arrays.fill(out, c.nullIdx());
        if (logProbs != null) {
            Arrays.fill(logProbs, 0);
        }
        boolean[] done = new boolean[n];
        int open = n;
        int steps = Math.min(maxLength, c.positions());
        for (int t = 0; t < steps && open > 0; t++) {
            Tensor scores = decodeStep(state, words);
            k.argmaxRows(scores, words);
            for (int i = 0; i < n; i++) {
                if (!done[i]) {
                    out[i * maxLength + t] = words[i];
                    if (logProbs != null) {
                        logProbs[i] += LogSoftmax.at(scores, i, words[i]);
                    }
                    if (words[i] == c.endIdx()) {
                        done[i] = true;
                        open--;
                    }
                }
            }
        }
        return out;
    }
}
