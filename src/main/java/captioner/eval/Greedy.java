package captioner.eval;

import captioner.model.CaptioningModel;
import captioner.tensor.Tensor;

/** cs231n's greedy {@code sample}: each step takes the highest-scoring word; {@link CaptioningModel#sample} itself. */
public record Greedy(int maxLength) implements Decoder {

    public Greedy {
        Decoder.checkMaxLength(maxLength);
    }

    @Override
    public Caption[] decode(CaptioningModel model, Tensor features, int[] imageIdxs) {
        int n = features.dim(0);
        double[] logProbs = new double[n];
        int[] rows = model.sample(features, maxLength, logProbs);
        Caption[] out = new Caption[n];
        for (int i = 0; i < n; i++) {
            out[i] = Decoder.captionOfRow(rows, i, maxLength, model.config().endIdx(), logProbs[i]);
        }
        return out;
    }

    @Override
    public String label() {
        return "greedy";
    }
}
