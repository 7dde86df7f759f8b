package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static captioner.TestTensors.linspace;
import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptioningModelTest {

    /** cs231n's fixed-value check: V = 3 (<NULL> = 0), every parameter linspace(-1.4, 1.3). */
    private static double linspaceLoss(CellType cell, double featuresFrom, double featuresTo) {
        int n = 10, d = 20, w = 30, h = 40, v = 3, t = 13;
        ModelConfig config = new ModelConfig(cell, v, d, w, h, 0, -1, -1);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 0);
        for (ParamLayout.Entry e : model.layout().entries()) {
            model.param(e.name()).copyFrom(linspace(-1.4, 1.3, e.shape()));
        }
        Tensor features = linspace(featuresFrom, featuresTo, n, d);
        int[] captions = new int[n * t];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = i % v;
        }
        return model.loss(features, captions, t, null);
    }

    @Test
    void rnnLossReproducesCs231n() {
        assertEquals(9.83235591003, linspaceLoss(CellType.RNN, -1.5, 0.3), 1e-10);
    }

    @Test
    void lstmLossReproducesCs231n() {
        assertEquals(9.82445935443, linspaceLoss(CellType.LSTM, -0.5, 1.7), 1e-10);
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void everyParameterGradientMatchesNumeric(CellType cell) {
        Random rng = new Random(231);
        int n = 2, t = 3, d = 4, w = 5, h = 6, v = 3;
        ModelConfig config = new ModelConfig(cell, v, d, w, h, 0, -1, -1);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 231);
        int[] captions = new int[n * t];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = rng.nextInt(v);
        }
        captions[1] = 1; // at least one unmasked target, whatever the draws
        Tensor features = randn(rng, n, d);
        for (GradientCheck.Result r : GradientCheck.checkModel(model, features, captions, t, GradientCheck.MODEL_STEP, 1e-5)) {
            assertTrue(r.relError() < 1e-5, cell + " " + r.name() + ": relative error " + r.relError());
            assertTrue(r.pass());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN", "LSTM"})
    void float32AgreesWithFloat64(CellType cell) {
        Random rng = new Random(5);
        int n = 8, t = 9, d = 16, w = 12, h = 20, v = 30;
        ModelConfig config = new ModelConfig(cell, v, d, w, h, 0, 1, 2);
        CaptioningModel m64 = CaptioningModel.initialized(config, DType.FLOAT64, 11);
        CaptioningModel m32 = new CaptioningModel(config, m64.params().copy(DType.FLOAT32));
        int[] captions = new int[n * t];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = rng.nextInt(v);
        }
        Tensor f64 = randn(rng, n, d);
        Tensor g64 = m64.layout().zeros(DType.FLOAT64);
        Tensor g32 = m32.layout().zeros(DType.FLOAT32);
        double l64 = m64.loss(f64, captions, t, g64);
        double l32 = m32.loss(f64.copy(DType.FLOAT32), captions, t, g32);
        assertEquals(l64, l32, 1e-5 * l64);
        double diff = 0, norm = 0;
        for (int i = 0; i < g64.size(); i++) {
            diff = Math.max(diff, Math.abs(g64.get(i) - g32.get(i)));
            norm = Math.max(norm, Math.abs(g64.get(i)));
        }
        assertTrue(diff < 1e-4 * norm, "max gradient difference " + diff + " vs max gradient " + norm);
        assertArrayEquals(m64.sample(f64, 7), m32.sample(f64.copy(DType.FLOAT32), 7));
    }

    @Test
    void lossSumIsNTimesTheMeanLoss() {
        Random rng = new Random(9);
        ModelConfig config = new ModelConfig(CellType.LSTM, 10, 6, 5, 4, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 3);
        int n = 5, t = 6;
        int[] captions = new int[n * t];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = rng.nextInt(10);
        }
        Tensor features = randn(rng, n, 6);
        Tensor mean = model.layout().zeros(DType.FLOAT64);
        Tensor sum = model.layout().zeros(DType.FLOAT64);
        double lm = model.loss(features, captions, t, mean);
        double ls = model.lossSum(features, captions, t, sum);
        assertEquals(n * lm, ls, 1e-12 * ls);
        for (int i = 0; i < mean.size(); i++) {
            assertEquals(n * mean.get(i), sum.get(i), 1e-12 * (1 + Math.abs(sum.get(i))));
        }
    }

    @Test
    void sampleStopsAtEndAndPadsWithNull() {
        // A model whose scores always favour <END> (index 2) after the first step's favourite.
        ModelConfig config = new ModelConfig(CellType.RNN, 4, 3, 2, 2, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 1);
        model.param("W_vocab").fill(0);
        model.param("b_vocab").copyFrom(Tensor.of(DType.FLOAT64, new double[] {0, 0, 5, 1}, 4));
        int[] out = model.sample(Tensor.zeros(DType.FLOAT64, 2, 3), 4);
        assertArrayEquals(new int[] {2, 0, 0, 0, 2, 0, 0, 0}, out);
    }

    @Test
    void sampleIsGreedyArgmax() {
        ModelConfig config = new ModelConfig(CellType.LSTM, 5, 3, 2, 2, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 1);
        model.param("W_vocab").fill(0);
        model.param("b_vocab").copyFrom(Tensor.of(DType.FLOAT64, new double[] {0, 0, -1, 0, 3}, 5));
        assertArrayEquals(new int[] {4, 4, 4}, model.sample(Tensor.zeros(DType.FLOAT64, 1, 3), 3));
    }

    @Test
    void badInputsNameTheArgument() {
        ModelConfig config = new ModelConfig(CellType.RNN, 4, 3, 2, 2, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, 1);
        Tensor features = Tensor.zeros(DType.FLOAT64, 2, 3);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> model.loss(Tensor.zeros(DType.FLOAT64, 2, 4), new int[6], 3, null)).getMessage();
        assertTrue(msg.startsWith("features: expected shape (2, 3)"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> model.loss(features, new int[5], 3, null)).getMessage();
        assertTrue(msg.startsWith("captions: expected shape (2, 3)"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> model.loss(features, new int[] {1, 3, 0, 1, 4, 0}, 3, null)).getMessage();
        assertTrue(msg.contains("index 4 at row 1, column 1") && msg.contains("[0, 4)"), msg);
        msg = assertThrows(captioner.BadInputException.class, () -> CellType.parse("gru")).getMessage();
        assertTrue(msg.contains("'gru'") && msg.contains("rnn, lstm or transformer"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> model.loss(features.copy(DType.FLOAT32), new int[6], 3, null)).getMessage();
        assertTrue(msg.contains("expected float64"), msg);
        msg = assertThrows(captioner.BadInputException.class,
                () -> new ModelConfig(CellType.LSTM, 4, 3, 0, 2, 0, 1, 2)).getMessage();
        assertTrue(msg.startsWith("word vector width W 0: expected a positive size"), msg);
    }

    @Test
    void initialisationFollowsCs231nScales() {
        ModelConfig config = new ModelConfig(CellType.LSTM, 1004, 512, 256, 512, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT32, 42);
        assertEquals(0.01, std(model.param("W_embed")), 0.0005);
        assertEquals(1 / Math.sqrt(512), std(model.param("W_proj")), 0.001);
        assertEquals(1 / Math.sqrt(256), std(model.param("Wx")), 0.001);
        assertEquals(1 / Math.sqrt(512), std(model.param("Wh")), 0.001);
        assertEquals(1 / Math.sqrt(512), std(model.param("W_vocab")), 0.001);
        assertEquals(0, std(model.param("b")));
        assertArrayEquals(new int[] {512, 2048}, model.param("Wh").shape());
        CaptioningModel again = CaptioningModel.initialized(config, DType.FLOAT32, 42);
        assertArrayEquals(model.params().floatStorage(), again.params().floatStorage());
    }

    private static double std(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += t.get(i) * t.get(i);
        }
        return Math.sqrt(s / t.size());
    }
}
