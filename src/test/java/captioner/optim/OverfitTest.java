package captioner.optim;

import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** cs231n's "overfit small data" check: Adam on one tiny fixed batch drives the loss near zero. */
class OverfitTest {

    @ParameterizedTest
    @CsvSource({"RNN, 0.1", "LSTM, 0.5"})
    void adamOverfitsATinyBatch(CellType cell, double target) {
        Random rng = new Random(231);
        int n = 10, length = 17, v = 30, d = 32;
        int[] captions = new int[n * length];
        for (int i = 0; i < n; i++) {
            int words = 5 + rng.nextInt(10);
            captions[i * length] = 1; // <START>
            for (int t = 1; t <= words; t++) {
                captions[i * length + t] = 3 + rng.nextInt(v - 3);
            }
            captions[i * length + words + 1] = 2; // <END>, then <NULL> = 0
        }
        Tensor features = Tensor.zeros(DType.FLOAT32, n, d);
        for (int i = 0; i < features.size(); i++) {
            features.set(i, rng.nextGaussian());
        }
        ModelConfig config = new ModelConfig(cell, v, d, 32, 64, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT32, 231);
        UpdateRule adam = UpdateRuleType.ADAM.create(model.layout().size(), DType.FLOAT32);
        Tensor grads = model.layout().zeros(DType.FLOAT32);
        double first = Double.NaN;
        double loss = Double.NaN;
        for (int it = 0; it < 300; it++) {
            grads.fill(0);
            loss = model.loss(features, captions, length, grads);
            if (it == 0) {
                first = loss;
            }
            adam.update(model.params(), grads, 5e-3);
        }
        assertTrue(first > 20, "initial loss " + first + " should be near 16 * log(30)");
        assertTrue(loss < target, cell + " loss after 300 Adam steps: " + loss + ", expected below " + target);
    }
}
