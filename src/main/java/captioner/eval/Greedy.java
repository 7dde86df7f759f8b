package captioner.eval;

import captioner.model.CaptionGenerator;
import captioner.model.DecodingState;
import captioner.tensor.Tensor;

/** cs231n's greedy {@code sample}: each step takes the highest-scoring word; {@link CaptionGenerator#sample} itself. */
public record Greedy(int maxLength) implements Decoder {

    public Greedy {
        Decoder.checkMaxLength(maxLength);
    }

    @Override
    public <S extends DecodingState<S>> Caption[] decode(CaptionGenerator<S> model, Tensor features,
                                                         int[] imageIdxs) {
        int n = features.dim(0);
        double[] logProbs = new double[n];
        int steps = steps(model);
        int[] rows = model.sample(features, steps, logProbs);
        Caption[] out = new Caption[n];
        for (int i = 0; i < n; i++) {
            out[i] = Decoder.captionOfRow(rows, i, steps, model.config().endIdx(), logProbs[i]);
        }
        return out;
    }

    @Override
    public String label() {
        return "greedy";
    }
}
