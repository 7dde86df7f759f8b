package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.assertRelError;
import static captioner.TestTensors.linspace;
import static captioner.TestTensors.of;
import static captioner.TestTensors.randn;
import static captioner.TestTensors.swap01;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VanillaRnnTest {
    private static final double H = 1e-5;

    @Test
    void stepForwardReproducesCs231n() {
        int n = 3, d = 10, h = 4;
        Tensor x = linspace(-0.4, 0.7, n, d);
        Tensor prevH = linspace(-0.2, 0.5, n, h);
        Tensor wx = linspace(-0.1, 0.9, d, h);
        Tensor wh = linspace(-0.3, 0.7, h, h);
        Tensor b = linspace(-0.2, 0.4, h);
        Tensor next = new VanillaRnn().stepForward(x, prevH, wx, wh, b);
        Tensor expected = of(new double[][] {
            {-0.58172089, -0.50182032, -0.41232771, -0.31410098},
            {0.66854692, 0.79562378, 0.87755553, 0.92795967},
            {0.97934501, 0.99144213, 0.99646691, 0.99854353}});
        assertRelError(expected, next, 1e-8, "next_h");
    }

    @Test
    void sequenceForwardReproducesCs231n() {
        int n = 2, t = 3, d = 4, h = 5;
        Tensor x = linspace(-0.1, 0.3, n, t, d);
        Tensor h0 = linspace(-0.3, 0.1, n, h);
        Tensor wx = linspace(-0.2, 0.4, d, h);
        Tensor wh = linspace(-0.4, 0.1, h, h);
        Tensor b = linspace(-0.7, 0.1, h);
        Tensor out = swap01(new VanillaRnn().forward(swap01(x), h0, wx, wh, b));
        Tensor expected = Tensor.of(DType.FLOAT64, new double[] {
            -0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251,
            -0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316,
            -0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525,
            -0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671,
            -0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768,
            -0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043}, n, t, h);
        assertRelError(expected, out, 1e-7, "h");
    }

    @Test
    void stepBackwardMatchesNumericGradients() {
        Random rng = new Random(231);
        int n = 4, d = 5, h = 6;
        Tensor x = randn(rng, n, d), prevH = randn(rng, n, h), wx = randn(rng, d, h), wh = randn(rng, h, h), b = randn(rng, h);
        VanillaRnn rnn = new VanillaRnn();
        Tensor out = rnn.stepForward(x, prevH, wx, wh, b);
        Tensor dNext = randn(rng, out.shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, n, d), dPrev = Tensor.zeros(DType.FLOAT64, n, h);
        Tensor dwx = Tensor.zeros(DType.FLOAT64, d, h), dwh = Tensor.zeros(DType.FLOAT64, h, h), db = Tensor.zeros(DType.FLOAT64, h);
        rnn.stepBackward(dNext, dx, dPrev, dwx, dwh, db);

        VanillaRnn probe = new VanillaRnn();
        java.util.function.Supplier<Tensor> f = () -> probe.stepForward(x, prevH, wx, wh, b);
        assertGradient(numericGradientArray(f, x, dNext, H), dx, 1e-7, "dx");
        assertGradient(numericGradientArray(f, prevH, dNext, H), dPrev, 1e-7, "dprev_h");
        assertGradient(numericGradientArray(f, wx, dNext, H), dwx, 1e-7, "dWx");
        assertGradient(numericGradientArray(f, wh, dNext, H), dwh, 1e-7, "dWh");
        assertGradient(numericGradientArray(f, b, dNext, H), db, 1e-7, "db");
    }

    @Test
    void sequenceBackwardMatchesNumericGradients() {
        new SequenceGradients(VanillaRnn::new, 1, new Random(231), 2, 3, 10, 5).assertAllMatch(1e-7);
    }

    @Test
    void weightGradientsAccumulateAcrossCalls() {
        Random rng = new Random(7);
        int n = 2, d = 3, t = 4, h = 5;
        Tensor x = randn(rng, t, n, d), h0 = randn(rng, n, h), wx = randn(rng, d, h), wh = randn(rng, h, h), b = randn(rng, h);
        VanillaRnn rnn = new VanillaRnn();
        Tensor dout = randn(rng, rnn.forward(x, h0, wx, wh, b).shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, t, n, d), dh0 = Tensor.zeros(DType.FLOAT64, n, h);
        Tensor once = Tensor.zeros(DType.FLOAT64, h), twice = Tensor.zeros(DType.FLOAT64, h);
        rnn.backward(dout, dx, dh0, Tensor.zeros(DType.FLOAT64, d, h), Tensor.zeros(DType.FLOAT64, h, h), once);
        rnn.backward(dout, dx, dh0, Tensor.zeros(DType.FLOAT64, d, h), Tensor.zeros(DType.FLOAT64, h, h), twice);
        rnn.backward(dout, dx, dh0, Tensor.zeros(DType.FLOAT64, d, h), Tensor.zeros(DType.FLOAT64, h, h), twice);
        for (int i = 0; i < h; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(2 * once.get(i), twice.get(i), 1e-12);
        }
    }

    @Test
    void wrongWeightShapeIsRejectedByName() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 2, 4);
        Tensor h0 = Tensor.zeros(DType.FLOAT64, 2, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VanillaRnn().forward(x, h0,
                Tensor.zeros(DType.FLOAT64, 4, 5), Tensor.zeros(DType.FLOAT64, 5, 4), Tensor.zeros(DType.FLOAT64, 5)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("Wh: expected shape (5, 5)"), e.getMessage());
    }
}
