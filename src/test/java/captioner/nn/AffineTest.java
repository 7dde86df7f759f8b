package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.assertRelError;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class AffineTest {

    @Test
    void temporalBackwardMatchesNumericGradients() {
        Random rng = new Random(231);
        int n = 2, t = 3, d = 4, m = 5;
        Tensor x = randn(rng, n, t, d), w = randn(rng, d, m), b = randn(rng, m);
        Affine layer = new Affine();
        Tensor out = layer.forward(x, w, b);
        assertArrayEquals(new int[] {n, t, m}, out.shape());
        Tensor dout = randn(rng, out.shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, n, t, d), dw = Tensor.zeros(DType.FLOAT64, d, m), db = Tensor.zeros(DType.FLOAT64, m);
        layer.backward(dout, dx, dw, db);
        // Affine is linear in each input, so a large step has no truncation error and less roundoff.
        Affine probe = new Affine();
        Supplier<Tensor> f = () -> probe.forward(x, w, b);
        assertGradient(numericGradientArray(f, x, dout, 1e-3), dx, 1e-9, "dx");
        assertGradient(numericGradientArray(f, w, dout, 1e-3), dw, 1e-9, "dw");
        assertGradient(numericGradientArray(f, b, dout, 1e-3), db, 1e-9, "db");
    }

    @Test
    void forwardIsXTimesWPlusB() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor w = Tensor.of(DType.FLOAT64, new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor b = Tensor.of(DType.FLOAT64, new double[] {10, 20}, 2);
        Tensor out = new Affine().forward(x, w, b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {14, 25, 20, 31}, out.toDoubleArray());
    }
}
