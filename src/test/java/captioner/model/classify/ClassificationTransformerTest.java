package captioner.model.classify;

import captioner.model.GradientCheck;
import captioner.model.ParamLayout;
import captioner.nn.TorchFixture;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationTransformerTest {
    static final String FIXTURE = "/captioner/model/classify/classifier.json";

    static ClassifierConfig config(TorchFixture f) {
        return new ClassifierConfig((int) f.number("vocabSize"), (int) f.number("hidden"), (int) f.number("heads"),
                (int) f.number("ffn"), (int) f.number("dimK"), (int) f.number("dimV"), (int) f.number("maxLength"));
    }

    /** PyTorch's parameters of the fixture in our flat layout, in {@code dtype}. */
    static Tensor fixtureParams(TorchFixture f, ClassifierConfig config, DType dtype) {
        ParamLayout layout = config.layout();
        Tensor params = layout.zeros(dtype);
        for (ParamLayout.Entry e : layout.entries()) {
            Tensor expected = f.tensor(e.name(), dtype);
            assertArrayEquals(expected.shape(), e.shape(), e.name() + ": PyTorch's shape");
            layout.view(params, e.name()).copyFrom(expected);
        }
        return params;
    }

    static int[] ints(TorchFixture f, String key) {
        return Arrays.stream(f.array(key)).mapToInt(d -> (int) d).toArray();
    }

    /** Each sentence's tokens followed by its label: the rows the training loop hands a model. */
    static int[] labelledRows(int[] tokens, int length, int[] labels) {
        int[] rows = new int[labels.length * (length + 1)];
        for (int i = 0; i < labels.length; i++) {
            System.arraycopy(tokens, i * length, rows, i * (length + 1), length);
            rows[i * (length + 1) + length] = labels[i];
        }
        return rows;
    }

    @Test
    void layoutNamesAreTheSeedsStateDictKeysInItsOrder() {
        TorchFixture f = TorchFixture.load(FIXTURE);
        List<String> names = config(f).layout().entries().stream().map(ParamLayout.Entry::name).toList();
        assertEquals(f.strings("stateDict"), names);
    }

    /** The seed's scores, the loss and every parameter gradient equal PyTorch's in float64 to 1e-10. */
    @Test
    void scoresLossAndEveryGradientMatchTheSeedsPyTorchModel() {
        TorchFixture f = TorchFixture.load(FIXTURE);
        ClassifierConfig config = config(f);
        ClassificationTransformer model = config.newModel(fixtureParams(f, config, DType.FLOAT64));
        int length = (int) f.number("length");
        int[] tokens = ints(f, "tokens");
        int[] labels = ints(f, "labels");
        f.assertClose("scores", model.scores(tokens, length), TorchFixture.PARITY);
        f.assertClose("logits", model.logits(tokens, length), TorchFixture.PARITY);
        Tensor grads = config.layout().zeros(DType.FLOAT64);
        double loss = model.loss(Tensor.zeros(DType.FLOAT64, labels.length, 1), labelledRows(tokens, length, labels),
                length + 1, grads);
        assertEquals(f.number("loss"), loss, TorchFixture.PARITY);
        for (ParamLayout.Entry e : config.layout().entries()) {
            f.assertClose("d" + e.name(), config.layout().view(grads, e.name()), TorchFixture.PARITY);
        }
    }

    /** The sentence API and the training rows give the same summed loss and gradient. */
    @Test
    void sentencesAndLabelledRowsAgree() {
        TorchFixture f = TorchFixture.load(FIXTURE);
        ClassifierConfig config = config(f);
        ClassificationTransformer model = config.newModel(fixtureParams(f, config, DType.FLOAT64));
        int length = (int) f.number("length");
        int[] tokens = ints(f, "tokens");
        int[] labels = ints(f, "labels");
        Tensor a = config.layout().zeros(DType.FLOAT64);
        Tensor b = config.layout().zeros(DType.FLOAT64);
        double sum = model.lossSum(tokens, length, labels, a);
        double rows = model.lossSum(Tensor.zeros(DType.FLOAT64, labels.length, 1), labelledRows(tokens, length, labels),
                length + 1, b, null);
        assertEquals(sum, rows);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertEquals(labels.length * f.number("loss"), sum, 1e-9);
    }

    /** Every parameter's analytic gradient against centered differences, float64, more heads than the seed. */
    @Test
    void everyParameterGradientMatchesNumeric() {
        ClassifierConfig config = new ClassifierConfig(11, 6, 3, 10, 4, 3, 6);
        Tensor params = config.initialParams(DType.FLOAT64, 7);
        Random rng = new Random(3);
        for (int i = 0; i < params.size(); i++) {  // away from init: LayerNorm's γ, β and biases all matter
            params.set(i, params.get(i) + 0.3 * rng.nextGaussian());
        }
        ClassificationTransformer model = config.newModel(params);
        int length = 5;
        int[] tokens = {1, 4, 7, 0, 0, 1, 10, 2, 3, 9, 1, 5, 0, 0, 0};
        int[] rows = labelledRows(tokens, length, new int[] {1, 0, 1});
        List<GradientCheck.Result> results = GradientCheck.checkModel(model, Tensor.zeros(DType.FLOAT64, 3, 1), rows,
                length + 1, GradientCheck.MODEL_STEP, 1e-6);
        assertEquals(config.layout().entries().size(), results.size());
        for (GradientCheck.Result r : results) {
            assertTrue(r.pass(), r.name() + ": relative error " + r.relError() + ", absolute " + r.absError());
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        TorchFixture f = TorchFixture.load(FIXTURE);
        ClassifierConfig config = config(f);
        int length = (int) f.number("length");
        int[] rows = labelledRows(ints(f, "tokens"), length, ints(f, "labels"));
        Tensor g64 = config.layout().zeros(DType.FLOAT64);
        Tensor g32 = config.layout().zeros(DType.FLOAT32);
        Tensor noFeatures = Tensor.zeros(DType.FLOAT64, 4, 1);
        double l64 = config.newModel(fixtureParams(f, config, DType.FLOAT64)).loss(noFeatures, rows, length + 1, g64);
        double l32 = config.newModel(fixtureParams(f, config, DType.FLOAT32)).loss(noFeatures, rows, length + 1, g32);
        assertEquals(l64, l32, 1e-5 * Math.abs(l64));
        assertTrue(GradientCheck.scaledError(g64, g32) < 1e-5, "scaled error " + GradientCheck.scaledError(g64, g32));
    }

    /** Embeddings N(0, 1), Linears U(±1/√fan_in), LayerNorm 1 and 0; the seed decides every bit. */
    @Test
    void initialisationIsPyTorchsDefaultFromTheSeed() {
        ClassifierConfig config = new ClassifierConfig(50, 16, 2, 32, 6, 5, 9);
        ParamLayout layout = config.layout();
        Tensor p = config.initialParams(DType.FLOAT64, 5);
        Tensor tokens = layout.view(p, "token_embeddings.weight");
        double mean = 0;
        double square = 0;
        for (int i = 0; i < tokens.size(); i++) {
            mean += tokens.get(i) / tokens.size();
            square += tokens.get(i) * tokens.get(i) / tokens.size();
        }
        assertEquals(0, mean, 0.1);
        assertEquals(1, square, 0.15);
        assertBounded(layout.view(p, "q2.weight"), 1 / Math.sqrt(16));
        assertBounded(layout.view(p, "v1.bias"), 1 / Math.sqrt(16));
        assertBounded(layout.view(p, "W2.weight"), 1 / Math.sqrt(32));
        assertBounded(layout.view(p, "attention_head_projection.weight"), 1 / Math.sqrt(10));
        assertBounded(layout.view(p, "final_dense.bias"), 1 / Math.sqrt(16));
        for (String norm : new String[] {"norm_mh", "norm_ffn"}) {
            Tensor gamma = layout.view(p, norm + ".weight");
            Tensor beta = layout.view(p, norm + ".bias");
            for (int i = 0; i < gamma.size(); i++) {
                assertEquals(1, gamma.get(i));
                assertEquals(0, beta.get(i));
            }
        }
        assertArrayEquals(p.toDoubleArray(), config.initialParams(DType.FLOAT64, 5).toDoubleArray());
        assertNotEquals(Arrays.toString(p.toDoubleArray()),
                Arrays.toString(config.initialParams(DType.FLOAT64, 6).toDoubleArray()));
    }

    /** Every entry inside ±bound, and the largest close to it (a uniform draw, not a narrower one). */
    private static void assertBounded(Tensor t, double bound) {
        double largest = 0;
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Math.abs(t.get(i)) <= bound, "entry " + t.get(i) + " outside ±" + bound);
            largest = Math.max(largest, Math.abs(t.get(i)));
        }
        assertTrue(t.size() < 20 || largest > 0.8 * bound, "largest |entry| " + largest + " of ±" + bound);
    }

    @Test
    void rejectsTokensOutsideTheVocabularyAndOverlongSentences() {
        ClassifierConfig config = new ClassifierConfig(5, 4, 2, 6, 2, 2, 3);
        ClassificationTransformer model = config.newModel(config.initialParams(DType.FLOAT64, 1));
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> model.scores(new int[] {1, 5, 0}, 3));
        assertEquals("token 5 of sentence 0 at position 1 is outside the vocabulary range [0, 5)", word.getMessage());
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
                () -> model.scores(new int[] {1, 2, 0, 0}, 4));
        assertEquals("sentences of 4 tokens: the model has 1 to 3 positions", longer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.lossSum(new int[] {1, 2, 0}, 3, new int[] {2}, null));
    }

    /** Shorter sentences than the model's positions use the first position rows only. */
    @Test
    void shorterSentencesUseTheFirstPositions() {
        ClassifierConfig config = new ClassifierConfig(7, 4, 2, 6, 2, 2, 5);
        ClassificationTransformer model = config.newModel(config.initialParams(DType.FLOAT64, 2));
        Tensor grads = config.layout().zeros(DType.FLOAT64);
        model.lossSum(new int[] {1, 3, 4}, 3, new int[] {1}, grads);
        Tensor dPositions = config.layout().view(grads, "position_embeddings.weight");
        for (int s = 3; s < 5; s++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(0, dPositions.get(s * 4 + j));
            }
        }
        assertNotEquals(0, dPositions.get(0));
    }
}
