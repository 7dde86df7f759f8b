package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporalSoftmaxLossTest {

    /** cs231n's check_loss: near-uniform scores give log(V) per masked position, averaged over N. */
    private static double checkLoss(Random rng, int n, int t, int v, double p) {
        Tensor x = randn(rng, n * t, v);
        Kernels.scaleBy(x, 0.001);
        int[] y = new int[n * t];
        boolean[] mask = new boolean[n * t];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(v);
            mask[i] = rng.nextDouble() <= p;
        }
        return TemporalSoftmaxLoss.forwardBackward(x, y, mask, 1.0 / n, Tensor.zeros(DType.FLOAT64, n * t, v));
    }

    @Test
    void sanityLossesMatchCs231n() {
        Random rng = new Random(231);
        assertEquals(2.3, checkLoss(rng, 100, 1, 10, 1.0), 0.01);
        assertEquals(23.0, checkLoss(rng, 100, 10, 10, 1.0), 0.1);
        assertEquals(2.3, checkLoss(rng, 5000, 10, 10, 0.1), 0.1);
    }

    @Test
    void gradientMatchesNumeric() {
        Random rng = new Random(231);
        int n = 7, t = 8, v = 9;
        Tensor x = randn(rng, n * t, v);
        int[] y = new int[n * t];
        boolean[] mask = new boolean[n * t];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(v);
            mask[i] = rng.nextDouble() > 0.5;
        }
        Tensor dx = Tensor.zeros(DType.FLOAT64, n * t, v);
        TemporalSoftmaxLoss.forwardBackward(x, y, mask, 1.0 / n, dx);
        Tensor scratch = Tensor.zeros(DType.FLOAT64, n * t, v);
        Tensor numeric = numericGradient(() -> TemporalSoftmaxLoss.forwardBackward(x, y, mask, 1.0 / n, scratch), x, 1e-5);
        assertGradient(numeric, dx, 1e-7, "dx");
    }

    @Test
    void hugeScoresDoNotOverflow() {
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.of(dtype, new double[] {1e4, 0, -1e4, 1e30 > 1e38 ? 0 : 3e4}, 1, 4);
            Tensor dx = Tensor.zeros(dtype, 1, 4);
            double loss = TemporalSoftmaxLoss.forwardBackward(x, new int[] {0}, new boolean[] {true}, 1.0, dx);
            assertTrue(Double.isFinite(loss) && Math.abs(loss - 2e4) < 1, dtype + " loss " + loss);
            assertEquals(1.0, dx.get(3), 1e-6);
            assertEquals(-1.0, dx.get(0), 1e-6);
        }
    }

    @Test
    void maskedPositionsContributeNothing() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {5, -3, 2, 2}, 2, 2);
        Tensor dx = Tensor.zeros(DType.FLOAT64, 2, 2);
        double loss = TemporalSoftmaxLoss.forwardBackward(x, new int[] {1, 0}, new boolean[] {false, true}, 1.0, dx);
        assertEquals(Math.log(2), loss, 1e-15);
        assertEquals(0, dx.get(0));
        assertEquals(0, dx.get(1));
    }

    /** Local helper: scaling a tensor in place through the backend. */
    private static final class Kernels {
        static void scaleBy(Tensor x, double a) {
            captioner.tensor.Kernels.of(x.dtype()).scale(x, a);
        }
    }
}
