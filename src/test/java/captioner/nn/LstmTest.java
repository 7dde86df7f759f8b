package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.assertRelError;
import static captioner.TestTensors.linspace;
import static captioner.TestTensors.of;
import static captioner.TestTensors.randn;
import static captioner.TestTensors.swap01;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LstmTest {
    private static final double H = 1e-5;

    @Test
    void stepForwardReproducesCs231n() {
        int n = 3, d = 4, h = 5;
        Tensor x = linspace(-0.4, 1.2, n, d);
        Tensor prevH = linspace(-0.3, 0.7, n, h);
        Tensor prevC = linspace(-0.4, 0.9, n, h);
        Tensor wx = linspace(-2.1, 1.3, d, 4 * h);
        Tensor wh = linspace(-0.7, 2.2, h, 4 * h);
        Tensor b = linspace(0.3, 0.7, 4 * h);
        Tensor[] next = new Lstm().stepForward(x, prevH, prevC, wx, wh, b);
        assertRelError(of(new double[][] {
            {0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904},
            {0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181},
            {0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299}}), next[0], 1e-8, "next_h");
        assertRelError(of(new double[][] {
            {0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407},
            {0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345},
            {0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676}}), next[1], 1e-8, "next_c");
    }

    @Test
    void sequenceForwardReproducesCs231n() {
        int n = 2, d = 5, h = 4, t = 3;
        Tensor x = linspace(-0.4, 0.6, n, t, d);
        Tensor h0 = linspace(-0.4, 0.8, n, h);
        Tensor wx = linspace(-0.2, 0.9, d, 4 * h);
        Tensor wh = linspace(-0.3, 0.6, h, 4 * h);
        Tensor b = linspace(0.2, 0.7, 4 * h);
        Tensor out = swap01(new Lstm().forward(swap01(x), h0, wx, wh, b));
        Tensor expected = Tensor.of(DType.FLOAT64, new double[] {
            0.01764008, 0.01823233, 0.01882671, 0.0194232,
            0.11287491, 0.12146228, 0.13018446, 0.13902939,
            0.31358768, 0.33338627, 0.35304453, 0.37250975,
            0.45767879, 0.4761092, 0.4936887, 0.51041945,
            0.6704845, 0.69350089, 0.71486014, 0.7346449,
            0.81733511, 0.83677871, 0.85403753, 0.86935314}, n, t, h);
        assertRelError(expected, out, 1e-7, "h");
    }

    @Test
    void stepBackwardMatchesNumericGradients() {
        Random rng = new Random(231);
        int n = 4, d = 5, h = 6;
        Tensor x = randn(rng, n, d), prevH = randn(rng, n, h), prevC = randn(rng, n, h);
        Tensor wx = randn(rng, d, 4 * h), wh = randn(rng, h, 4 * h), b = randn(rng, 4 * h);
        Lstm lstm = new Lstm();
        lstm.stepForward(x, prevH, prevC, wx, wh, b);
        Tensor dNextH = randn(rng, n, h), dNextC = randn(rng, n, h);
        Tensor dx = Tensor.zeros(DType.FLOAT64, n, d), dh = Tensor.zeros(DType.FLOAT64, n, h), dc = Tensor.zeros(DType.FLOAT64, n, h);
        Tensor dwx = Tensor.zeros(DType.FLOAT64, d, 4 * h), dwh = Tensor.zeros(DType.FLOAT64, h, 4 * h);
        Tensor db = Tensor.zeros(DType.FLOAT64, 4 * h);
        lstm.stepBackward(dNextH, dNextC, dx, dh, dc, dwx, dwh, db);

        // The scalar sum(next_h * dnext_h + next_c * dnext_c), differentiated through both outputs.
        Lstm probe = new Lstm();
        Tensor both = concat(dNextH, dNextC);
        Supplier<Tensor> f = () -> {
            Tensor[] hc = probe.stepForward(x, prevH, prevC, wx, wh, b);
            return concat(hc[0], hc[1]);
        };
        assertGradient(numericGradientArray(f, x, both, H), dx, 1e-7, "dx");
        assertGradient(numericGradientArray(f, prevH, both, H), dh, 1e-7, "dprev_h");
        assertGradient(numericGradientArray(f, prevC, both, H), dc, 1e-7, "dprev_c");
        assertGradient(numericGradientArray(f, wx, both, H), dwx, 1e-7, "dWx");
        assertGradient(numericGradientArray(f, wh, both, H), dwh, 1e-7, "dWh");
        assertGradient(numericGradientArray(f, b, both, H), db, 1e-7, "db");
    }

    @Test
    void sequenceBackwardMatchesNumericGradients() {
        new SequenceGradients(Lstm::new, 4, new Random(231), 2, 3, 10, 6).assertAllMatch(1e-7);
    }

    @Test
    void sequenceStartsFromZeroCellState() {
        Random rng = new Random(3);
        int n = 2, d = 3, h = 4;
        Tensor x = randn(rng, 1, n, d), h0 = randn(rng, n, h);
        Tensor wx = randn(rng, d, 4 * h), wh = randn(rng, h, 4 * h), b = randn(rng, 4 * h);
        Tensor seq = new Lstm().forward(x, h0, wx, wh, b).copy(DType.FLOAT64);
        Tensor step = new Lstm().stepForward(x.slice(0), h0, Tensor.zeros(DType.FLOAT64, n, h), wx, wh, b)[0];
        for (int i = 0; i < seq.size(); i++) {
            assertEquals(step.get(i), seq.get(i), 0.0);
        }
    }

    private static Tensor concat(Tensor a, Tensor b) {
        Tensor out = Tensor.zeros(DType.FLOAT64, a.size() + b.size());
        out.view(0, a.size()).copyFrom(a);
        out.view(a.size(), b.size()).copyFrom(b);
        return out;
    }
}
