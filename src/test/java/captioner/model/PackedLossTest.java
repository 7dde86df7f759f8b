package captioner.model;

import captioner.nn.Affine;
import captioner.nn.RecurrentLayer;
import captioner.nn.TemporalSoftmaxLoss;
import captioner.nn.WordEmbedding;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model's loss skips what the mask throws away (ended captions in the recurrence, {@code <NULL>} targets in
 * the output layer); these tests hold it to the full time-major computation over every position.
 */
class PackedLossTest {
    private static final int N = 9, T = 8, D = 7, W = 6, H = 5, V = 11;

    /** Captions of every length from 0 to T - 1 targets, some with a <NULL> inside, padded with <NULL> (0). */
    private static int[] raggedCaptions(Random rng) {
        int length = T + 1;
        int[] captions = new int[N * length];
        for (int i = 0; i < N; i++) {
            int words = i == 0 ? T : (i * 5) % (T + 1);
            captions[i * length] = 1;
            for (int s = 1; s <= words; s++) {
                captions[i * length + s] = 1 + rng.nextInt(V - 1);
            }
        }
        captions[3 * length + 2] = 0;   // <NULL> targets inside captions: not scored, but the caption runs on
        captions[2 * length + 1] = 0;
        return captions;
    }

    /** cs231n's loss as it was written: every (step, caption) position through every layer, masked at the end. */
    private static double fullLoss(CaptioningModel model, Tensor features, int[] captions, Tensor grads) {
        ModelConfig c = model.config();
        int n = features.dim(0);
        int length = captions.length / n;
        int t = length - 1;
        int[] in = new int[t * n];
        int[] out = new int[t * n];
        boolean[] mask = new boolean[t * n];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                in[s * n + i] = captions[i * length + s];
                out[s * n + i] = captions[i * length + s + 1];
                mask[s * n + i] = out[s * n + i] != c.nullIdx();
            }
        }
        Affine projection = new Affine();
        WordEmbedding embedding = new WordEmbedding();
        RecurrentLayer recurrent = c.cell().newLayer();
        Affine vocabulary = new Affine();
        Tensor h0 = projection.forward(features, model.param("W_proj"), model.param("b_proj"));
        Tensor x = embedding.forward(in, model.param("W_embed")).reshape(t, n, c.wordvecDim());
        Tensor h = recurrent.forward(x, h0, model.param("Wx"), model.param("Wh"), model.param("b"));
        Tensor scores = vocabulary.forward(h, model.param("W_vocab"), model.param("b_vocab")).reshape(t * n, c.vocabSize());
        double loss = TemporalSoftmaxLoss.forwardBackward(scores, out, mask, 1.0 / n, scores);
        ParamLayout layout = model.layout();
        Tensor dh = Tensor.zeros(model.dtype(), t, n, c.hiddenDim());
        Tensor dx = Tensor.zeros(model.dtype(), t, n, c.wordvecDim());
        Tensor dh0 = Tensor.zeros(model.dtype(), n, c.hiddenDim());
        vocabulary.backward(scores, dh, layout.view(grads, "W_vocab"), layout.view(grads, "b_vocab"));
        recurrent.backward(dh, dx, dh0, layout.view(grads, "Wx"), layout.view(grads, "Wh"), layout.view(grads, "b"));
        embedding.backward(dx.reshape(t * n, c.wordvecDim()), layout.view(grads, "W_embed"));
        projection.backward(dh0, null, layout.view(grads, "W_proj"), layout.view(grads, "b_proj"));
        return loss;
    }

    /** The largest difference within each parameter relative to that parameter's largest gradient. */
    private static void assertGradientsAgree(CaptioningModel model, Tensor expected, Tensor actual, double tolerance) {
        for (ParamLayout.Entry e : model.layout().entries()) {
            Tensor a = model.layout().view(expected, e.name());
            Tensor b = model.layout().view(actual, e.name());
            double diff = 0, norm = 0;
            for (int i = 0; i < a.size(); i++) {
                diff = Math.max(diff, Math.abs(a.get(i) - b.get(i)));
                norm = Math.max(norm, Math.abs(a.get(i)));
            }
            assertTrue(norm > 0, e.name() + ": the check needs a nonzero gradient");
            assertTrue(diff <= tolerance * norm, e.name() + ": max difference " + diff + " vs max gradient " + norm);
        }
    }

    private static void assertPackedEqualsFull(CellType cell, DType dtype, double tolerance) {
        Random rng = new Random(17);
        ModelConfig config = new ModelConfig(cell, V, D, W, H, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, dtype, 4);
        int[] captions = raggedCaptions(rng);
        Tensor features = randn(rng, N, D).copy(dtype);
        Tensor full = model.layout().zeros(dtype);
        Tensor packed = model.layout().zeros(dtype);
        double expected = fullLoss(model, features, captions, full);
        double actual = model.loss(features, captions, T + 1, packed);
        assertEquals(expected, actual, tolerance * expected);
        assertGradientsAgree(model, full, packed, tolerance);
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void float64LossAndGradientsEqualTheFullComputation(CellType cell) {
        assertPackedEqualsFull(cell, DType.FLOAT64, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void float32LossAndGradientsEqualTheFullComputation(CellType cell) {
        assertPackedEqualsFull(cell, DType.FLOAT32, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void raggedGradientsMatchNumeric(CellType cell) {
        Random rng = new Random(3);
        ModelConfig config = new ModelConfig(cell, V, D, W, H, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 8);
        int[] captions = raggedCaptions(rng);
        Tensor features = randn(rng, N, D);
        for (GradientCheck.Result r : GradientCheck.checkModel(model, features, captions, T + 1,
                GradientCheck.MODEL_STEP, 1e-5)) {
            assertTrue(r.pass(), cell + " " + r.name() + ": relative error " + r.relError());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void repeatedStepsAreBitwiseEqual(CellType cell) {
        Random rng = new Random(29);
        ModelConfig config = new ModelConfig(cell, V, D, W, H, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT32, 5);
        int[] captions = raggedCaptions(rng);
        Tensor features = randn(rng, N, D).copy(DType.FLOAT32);
        Tensor first = model.layout().zeros(DType.FLOAT32);
        Tensor second = model.layout().zeros(DType.FLOAT32);
        double a = model.loss(features, captions, T + 1, first);
        double b = new CaptioningModel(config, model.params()).loss(features, captions, T + 1, second);
        assertEquals(Double.doubleToLongBits(a), Double.doubleToLongBits(b));
        assertArrayEquals(first.floatStorage(), second.floatStorage());
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void captionsOfOnlyNullTargetsCostNothing(CellType cell) {
        ModelConfig config = new ModelConfig(cell, V, D, W, H, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 6);
        int[] captions = new int[2 * (T + 1)];
        captions[0] = 1;
        captions[T + 1] = 1;
        Tensor grads = model.layout().zeros(DType.FLOAT64);
        assertEquals(0.0, model.loss(randn(new Random(1), 2, D), captions, T + 1, grads));
        assertEquals(0.0, captioner.tensor.Kernels.of(DType.FLOAT64).sumSquares(grads));
    }
}
