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

    /** A model whose weights are large enough that every step's argmax is a real choice. */
    private static CaptioningTransformer decodingModel(Activation.Kind act, int end) {
        TransformerConfig config = new TransformerConfig(9, 4, 8, 12, 2, 2, act, 0.1, 10, 0, 1, end);
        Tensor params = config.initialParams(DType.FLOAT64, 8);
        Random rng = new Random(8);
        for (int i = 0; i < params.size(); i++) {
            params.set(i, params.get(i) + rng.nextGaussian() * 0.6);
        }
        return config.newModel(params);
    }

    /** Each cached step's scores equal the full forward's at that position (float64, dropout off). */
    @ParameterizedTest
    @EnumSource(Activation.Kind.class)
    void incrementalStepsEqualFullRecomputation(Activation.Kind act) {
        CaptioningTransformer model = decodingModel(act, 2);
        Random rng = new Random(3);
        int n = 3, t = 7;
        Tensor features = randn(rng, n, 4);
        int[] prefixes = new int[n * t];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = i % t == 0 ? 1 : rng.nextInt(9);
        }
        Tensor full = model.prefixScores(features, prefixes, t);
        TransformerDecoderState state = model.startDecoding(features);
        int[] words = new int[n];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < n; i++) {
                words[i] = prefixes[i * t + p];
            }
            Tensor step = model.decodeStep(state, words);
            for (int i = 0; i < n; i++) {
                for (int v = 0; v < 9; v++) {
                    assertEquals(full.get((i * t + p) * 9 + v), step.get(i * 9 + v), 1e-12,
                            "row " + i + ", position " + p + ", word " + v);
                }
            }
        }
        assertEquals(t, state.position());
    }

    /** Greedy with the cache gives the captions of greedy by full recomputation, and stops at {@code <END>}. */
    @Test
    void greedyWithTheCacheEqualsGreedyByRecomputation() {
        // A random model repeats one word per image; with one of those words as <END> some captions end at once
        // and others run to the limit. No <NULL> predictions, as after training.
        int end = 7;
        CaptioningTransformer model = decodingModel(Activation.Kind.GELU, end);
        Tensor bias = model.param("output.bias");
        bias.fill(0);
        bias.set(0, -10);
        Random rng = new Random(11);
        int n = 6, max = 9;
        Tensor features = randn(rng, n, 4);
        int[] cached = model.sample(features, max);
        boolean anyEnd = false;
        for (int i = 0; i < n; i++) {
            int[] prefix = {1};
            boolean ended = false;
            for (int p = 0; p < max; p++) {
                int expected;
                if (ended) {
                    expected = 0;
                } else {
                    Tensor scores = model.prefixScores(features.slices(i, 1), prefix, prefix.length);
                    expected = 0;
                    for (int v = 1; v < 9; v++) {
                        if (scores.get((prefix.length - 1) * 9 + v) > scores.get((prefix.length - 1) * 9 + expected)) {
                            expected = v;
                        }
                    }
                    prefix = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                    prefix[prefix.length - 1] = expected;
                    ended = expected == end;
                    anyEnd |= ended;
                }
                assertEquals(expected, cached[i * max + p], "caption " + i + ", word " + p);
            }
        }
        assertTrue(anyEnd, "some caption ends with <END> within " + max + " words");
        assertTrue(java.util.Arrays.stream(cached).anyMatch(w -> w != end && w != 0), "some caption does not end");
    }

    /** A beam search's reordering of the cache continues each chosen row's caption. */
    @Test
    void selectedRowsContinueTheirCaptions() {
        CaptioningTransformer model = decodingModel(Activation.Kind.RELU, 2);
        Tensor features = randn(new Random(5), 2, 4);
        TransformerDecoderState state = model.startDecoding(features);
        model.decodeStep(state, new int[] {1, 1});
        model.decodeStep(state, new int[] {4, 6});
        TransformerDecoderState picked = state.select(new int[] {1, 1, 0});
        Tensor scores = model.decodeStep(picked, new int[] {3, 3, 5});
        Tensor full = model.prefixScores(features.slices(1, 1), new int[] {1, 6, 3}, 3);
        Tensor fullZero = model.prefixScores(features.slices(0, 1), new int[] {1, 4, 5}, 3);
        for (int v = 0; v < 9; v++) {
            assertEquals(full.get(2 * 9 + v), scores.get(v), 1e-12);
            assertEquals(full.get(2 * 9 + v), scores.get(9 + v), 1e-12);
            assertEquals(fullZero.get(2 * 9 + v), scores.get(18 + v), 1e-12);
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }
}
