package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 004, question 4: {@code h_t = Wᵀ h_{t-1} = (Wᵀ)ᵗ h_0}; with {@code W = QΛQ⁻¹} the powers are
 * {@code (Q⁻¹)ᵀ Λᵗ Qᵀ}, so h_t grows like ρ(W)ᵗ when the spectral radius ρ exceeds 1 and vanishes when
 * it is below 1. The same product carries gradients back through a recurrent layer, which is why
 * {@code --clip-norm} exists.
 */
class ExplodingGradientTest {

    /** Upper triangular, so its eigenvalues are the diagonal: spectral radius {@code rho}, others smaller. */
    private static Tensor withSpectralRadius(double rho) {
        return Tensor.of(DType.FLOAT64, new double[] {
            rho, 0.7, -0.4,
            0, 0.5 * rho, 0.9,
            0, 0, -0.3 * rho}, 3, 3);
    }

    /** Norms of h_0 .. h_T for h_t = (Wᵀ)ᵗ h_0, one row-vector product h_tᵀ = h_{t-1}ᵀ W per step. */
    private static double[] norms(Tensor w, int steps) {
        Kernels k = Kernels.of(DType.FLOAT64);
        Tensor h = Tensor.of(DType.FLOAT64, new double[] {0.3, -1.0, 0.8}, 1, 3);
        Tensor next = Tensor.zeros(DType.FLOAT64, 1, 3);
        double[] out = new double[steps + 1];
        out[0] = Math.sqrt(k.sumSquares(h));
        for (int t = 1; t <= steps; t++) {
            k.gemm(false, false, 1, h, w, 0, next);
            h.copyFrom(next);
            out[t] = Math.sqrt(k.sumSquares(h));
        }
        return out;
    }

    @Test
    void hiddenStateGrowsLikeTheSpectralRadiusAboveOne() {
        double[] norms = norms(withSpectralRadius(1.2), 200);
        assertEquals(1.2, norms[200] / norms[199], 1e-9, "growth factor per step tends to ρ");
        assertTrue(norms[60] > 1e4 * norms[0], "after 60 steps: " + norms[60] / norms[0]);
    }

    @Test
    void hiddenStateVanishesLikeTheSpectralRadiusBelowOne() {
        double[] norms = norms(withSpectralRadius(0.8), 200);
        assertEquals(0.8, norms[200] / norms[199], 1e-9, "decay factor per step tends to ρ");
        assertTrue(norms[60] < 1e-4 * norms[0], "after 60 steps: " + norms[60] / norms[0]);
    }

    /**
     * The RNN layer's own backward: with h0 = 0, x = 0, b = 0 every state is 0 and tanh'(0) = 1, so the
     * row vector dh_{t-1} = dh_t·Whᵀ exactly and dh0 = dh_T·(Whᵀ)^T, which grows or shrinks like ρ(Wh)^T.
     * Returns ‖dh0‖ / ‖dh_T‖.
     */
    private static double gradientGain(double rho, int t) {
        int n = 1, d = 2, h = 3;
        Tensor wx = randn(new Random(1), d, h);
        Tensor wh = withSpectralRadius(rho);
        Tensor b = Tensor.zeros(DType.FLOAT64, h);
        Tensor x = Tensor.zeros(DType.FLOAT64, t, n, d);
        Tensor h0 = Tensor.zeros(DType.FLOAT64, n, h);
        VanillaRnn rnn = new VanillaRnn();
        rnn.forward(x, h0, wx, wh, b);
        Tensor dh = Tensor.zeros(DType.FLOAT64, t, n, h);
        dh.slice(t - 1).copyFrom(Tensor.of(DType.FLOAT64, new double[] {0.3, -1.0, 0.8}, n, h));
        Tensor dh0 = Tensor.zeros(DType.FLOAT64, n, h);
        rnn.backward(dh, Tensor.zeros(DType.FLOAT64, t, n, d), dh0, Tensor.zeros(DType.FLOAT64, d, h),
                Tensor.zeros(DType.FLOAT64, h, h), Tensor.zeros(DType.FLOAT64, h));
        return GradientClipping.norm(dh0) / GradientClipping.norm(dh.slice(t - 1));
    }

    @Test
    void gradientsThroughTheRnnLayerExplodeAndVanishWithTheSpectralRadius() {
        double up40 = gradientGain(1.2, 40);
        double up41 = gradientGain(1.2, 41);
        assertTrue(up40 > 1e2, "ρ = 1.2 over 40 steps: " + up40);
        assertEquals(1.2, up41 / up40, 1e-6);
        double down40 = gradientGain(0.8, 40);
        assertTrue(down40 < 1e-2, "ρ = 0.8 over 40 steps: " + down40);
        assertEquals(0.8, gradientGain(0.8, 41) / down40, 1e-6);
    }

    @Test
    void clipNormBoundsTheSgdUpdateOfAnExplodedGradient() {
        double bound = 5.0;
        double learningRate = 0.1;
        Tensor grads = Tensor.zeros(DType.FLOAT64, 12);
        for (int i = 0; i < grads.size(); i++) {
            grads.set(i, gradientGain(1.2, 60) * (i % 3 - 1.3)); // exploded: norm in the tens of thousands
        }
        double norm = GradientClipping.norm(grads);
        assertTrue(norm > 1e4 * bound);
        Tensor direction = grads.copy(DType.FLOAT64);
        assertTrue(GradientClipping.clipInPlace(grads, norm, bound));
        assertEquals(bound, GradientClipping.norm(grads), 1e-12 * bound);
        for (int i = 0; i < grads.size(); i++) {
            assertEquals(direction.get(i) * bound / norm, grads.get(i), 1e-15 * norm, "direction kept");
        }
        // SGD's step w -= lr·dw is then at most lr·bound long.
        Tensor w = randn(new Random(2), 12);
        Tensor before = w.copy(DType.FLOAT64);
        Kernels.of(DType.FLOAT64).axpy(-learningRate, grads, w);
        Kernels.of(DType.FLOAT64).axpy(-1, before, w);
        assertTrue(GradientClipping.norm(w) <= learningRate * bound * (1 + 1e-12));
    }

    @Test
    void gradientWithinTheBoundIsLeftUntouched() {
        Tensor grads = randn(new Random(3), 20);
        double[] original = grads.toDoubleArray();
        double norm = GradientClipping.norm(grads);
        assertFalse(GradientClipping.clipInPlace(grads, norm, norm * 1.01));
        assertArrayEquals(original, grads.toDoubleArray());
    }
    @Test
    void theNormOverSlicesIsTheOrderedSumOfTheSlicesSquaresAndOneSliceIsTheWholeNorm() {
        Random rng = new Random(5);
        int n = 10_007;
        Tensor g = Tensor.zeros(DType.FLOAT32, n);
        for (int i = 0; i < n; i++) {
            g.set(i, rng.nextGaussian());
        }
        assertEquals(GradientClipping.norm(g), GradientClipping.norm(g, 1));
        for (int slices : new int[] {2, 3, 7, 64}) {
            double sum = 0;
            int covered = 0;
            for (int q = 0; q < slices; q++) {
                int length = GradientClipping.sliceStart(n, slices, q + 1) - GradientClipping.sliceStart(n, slices, q);
                assertTrue(length == n / slices || length == n / slices + 1, "slice " + q + " of " + slices);
                covered += length;
                sum += GradientClipping.sliceSumSquares(g, slices, q);
            }
            assertEquals(n, covered);
            assertEquals(Math.sqrt(sum), GradientClipping.norm(g, slices));
            assertEquals(GradientClipping.norm(g), GradientClipping.norm(g, slices), 1e-12 * GradientClipping.norm(g));
        }
    }
}
