package captioner.model;

import captioner.nn.Activation;
import captioner.nn.TorchFixture;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptioningTransformerTest {

    private static TransformerConfig config(TorchFixture f, Activation.Kind act) {
        return new TransformerConfig((int) f.number("vocabSize"), (int) f.number("inputDim"),
                (int) f.number("wordvecDim"), (int) f.number("ffn"), (int) f.number("layers"), (int) f.number("heads"),
                act, 0, (int) f.number("maxLength"), (int) f.number("nullIdx"), -1, -1);
    }

    /** Loss and every parameter gradient equal PyTorch's (cs231n's module, dropout 0) in float64 to 1e-10. */
    @ParameterizedTest
    @EnumSource(Activation.Kind.class)
    void lossAndEveryGradientMatchPyTorch(Activation.Kind act) {
        TorchFixture f = TorchFixture.load("model_" + act.label() + ".json");
        TransformerConfig config = config(f, act);
        ParamLayout layout = config.layout();
        Tensor params = layout.zeros(DType.FLOAT64);
        for (ParamLayout.Entry e : layout.entries()) {
            Tensor expected = f.tensor(e.name());
            assertArrayEquals(expected.shape(), e.shape(), e.name() + ": PyTorch's shape");
            layout.view(params, e.name()).copyFrom(expected);
        }
        CaptioningTransformer model = config.newModel(params);
        Tensor grads = layout.zeros(DType.FLOAT64);
        int[] captions = java.util.Arrays.stream(f.array("captions")).mapToInt(d -> (int) d).toArray();
        double loss = model.loss(f.tensor("features"), captions, (int) f.number("captionLength"), grads);
        assertEquals(f.number("loss"), loss, TorchFixture.PARITY);
        for (ParamLayout.Entry e : layout.entries()) {
            f.assertClose("d" + e.name(), layout.view(grads, e.name()), TorchFixture.PARITY);
        }
    }

    /** The layout names every state_dict entry of cs231n's module but the positional-encoding buffer, in its order. */
    @Test
    void layoutNamesArePyTorchsStateDictKeys() {
        TorchFixture f = TorchFixture.load("model_gelu.json");
        List<String> expected = new ArrayList<>();
        f.strings("stateDict").forEach(expected::add);
        expected.remove("positional_encoding.pe");
        List<String> names = config(f, Activation.Kind.GELU).layout().entries().stream().map(ParamLayout.Entry::name)
                .toList();
        assertEquals(expected, names);
    }

    @ParameterizedTest
    @EnumSource(Activation.Kind.class)
    void everyParameterGradientMatchesNumeric(Activation.Kind act) {
        Random rng = new Random(15);
        int n = 2, len = 5, d = 3, v = 6;
        TransformerConfig config = new TransformerConfig(v, d, 4, 6, 2, 2, act, 0, 8, 0, -1, -1);
        Tensor params = config.initialParams(DType.FLOAT64, 15);
        // cs231n's init is tiny (std 0.02); larger weights make every path's gradient visible.
        for (int i = 0; i < params.size(); i++) {
            params.set(i, params.get(i) + rng.nextGaussian() * 0.5);
        }
        CaptioningTransformer model = config.newModel(params);
        int[] captions = {1, 3, 4, 2, 0, 1, 5, 5, 3, 2};
        Tensor features = randn(rng, n, d);
        for (GradientCheck.Result r : GradientCheck.checkModel(model, features, captions, len, GradientCheck.MODEL_STEP,
                1e-5)) {
            assertTrue(r.pass(), act + " " + r.name() + ": relative error " + r.relError() + ", absolute "
                    + r.absError());
        }
    }

    /** cs231n's init: N(0, 0.02) weights, zero biases, LayerNorm 1 and 0, the output layer U(±1/√W). */
    @Test
    void initialisationIsCs231ns() {
        TransformerConfig config = new TransformerConfig(50, 30, 64, 128, 2, 4, Activation.Kind.GELU, 0.1, 20, 0, 1,
                2);
        ParamLayout layout = config.layout();
        Tensor p = config.initialParams(DType.FLOAT64, 1);
        double[] fc1 = layout.view(p, "transformer.layers.1.ffn.fc1.weight").toDoubleArray();
        double sq = 0;
        for (double x : fc1) {
            sq += x * x;
        }
        assertEquals(0.02, Math.sqrt(sq / fc1.length), 0.001);
        assertEquals(0, maxAbs(layout.view(p, "transformer.layers.0.self_attn.key.bias")));
        assertEquals(1, layout.view(p, "transformer.layers.0.norm_ffn.weight").get(7));
        assertEquals(0, maxAbs(layout.view(p, "transformer.layers.0.norm_ffn.bias")));
        double bound = 1 / Math.sqrt(64);
        double out = maxAbs(layout.view(p, "output.weight"));
        assertTrue(out <= bound && out > 0.9 * bound, "output.weight max " + out);
        assertTrue(maxAbs(layout.view(p, "output.bias")) > 0.5 * bound);
    }

    /** Dropout is a pure function of (seed, iteration, partition, caption position): same keys, same loss. */
    @Test
    void dropoutIsDeterministicPerCaption() {
        TransformerConfig config = new TransformerConfig(6, 3, 8, 16, 2, 2, Activation.Kind.GELU, 0.3, 8, 0, 1, 2);
        CaptioningTransformer model = config.newModel(config.initialParams(DType.FLOAT64, 3));
        Random rng = new Random(4);
        Tensor features = randn(rng, 2, 3);
        int[] captions = {1, 3, 4, 2, 0, 1, 5, 5, 3, 2};
        double plain = model.lossSum(features, captions, 5, null, null);
        double a = model.lossSum(features, captions, 5, null, new DropoutKeys(9, 4, 1, 0));
        double b = model.lossSum(features, captions, 5, null, new DropoutKeys(9, 4, 1, 0));
        double other = model.lossSum(features, captions, 5, null, new DropoutKeys(9, 5, 1, 0));
        assertEquals(a, b);
        assertNotEquals(plain, a);
        assertNotEquals(a, other);
        // Caption 1's masks depend on its position in the batch, not on the micro-batch it is in.
        double first = model.lossSum(features.slices(0, 1), java.util.Arrays.copyOf(captions, 5), 5, null,
                new DropoutKeys(9, 4, 1, 0));
        double second = model.lossSum(features.slices(1, 1), java.util.Arrays.copyOfRange(captions, 5, 10), 5, null,
                new DropoutKeys(9, 4, 1, 1));
        assertEquals(a, first + second, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void headsMustDivideTheWidth(int heads) {
        assertThrows(captioner.BadInputException.class,
                () -> new TransformerConfig(6, 3, 8, 16, 2, heads, Activation.Kind.GELU, 0.1, 8, 0, 1, 2));
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }
}
