package captioner.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelsTest {

    private static Tensor random(Random rng, DType dtype, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, rng.nextGaussian());
        }
        return t;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmMatchesNaiveLoopForEveryTransposeAndOffset(DType dtype) {
        Random rng = new Random(1);
        int m = 7, n = 5, k = 9;
        Kernels kernels = Kernels.of(dtype);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                // Views at an offset inside larger storage, as the layers use them.
                Tensor aStore = random(rng, dtype, 3 + m * k);
                Tensor bStore = random(rng, dtype, 2 + k * n);
                Tensor a = ta ? aStore.view(3, k, m) : aStore.view(3, m, k);
                Tensor b = tb ? bStore.view(2, n, k) : bStore.view(2, k, n);
                Tensor cStore = random(rng, dtype, 4 + m * n);
                Tensor c = cStore.view(4, m, n);
                double[] c0 = c.toDoubleArray();
                double[] before = cStore.view(0, 4).toDoubleArray();
                kernels.gemm(ta, tb, 0.5, a, b, 2.0, c);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            double av = ta ? a.get(p * m + i) : a.get(i * k + p);
                            double bv = tb ? b.get(j * k + p) : b.get(p * n + j);
                            s += av * bv;
                        }
                        double expected = 0.5 * s + 2.0 * c0[i * n + j];
                        assertEquals(expected, c.get(i * n + j), dtype == DType.FLOAT32 ? 1e-4 : 1e-12,
                                "ta=" + ta + " tb=" + tb + " at " + i + "," + j);
                    }
                }
                for (int i = 0; i < 4; i++) {
                    assertEquals(before[i], cStore.get(i), "storage before the view is untouched");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void lstmGatesMatchTheirDefinition(DType dtype) {
        Random rng = new Random(2);
        int n = 3, h = 17;
        Tensor a = random(rng, dtype, n, 4 * h);
        Tensor raw = a.copy(DType.FLOAT64);
        Tensor cPrev = random(rng, dtype, n, h);
        Tensor c = Tensor.zeros(dtype, n, h), tanhC = Tensor.zeros(dtype, n, h), out = Tensor.zeros(dtype, n, h);
        Kernels.of(dtype).lstmGatesForward(a, cPrev, c, tanhC, out);
        double tol = dtype == DType.FLOAT32 ? 2e-6 : 1e-14;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                double i = sigmoid(raw.get(r * 4 * h + j));
                double f = sigmoid(raw.get(r * 4 * h + h + j));
                double o = sigmoid(raw.get(r * 4 * h + 2 * h + j));
                double g = Math.tanh(raw.get(r * 4 * h + 3 * h + j));
                double cell = f * cPrev.get(r * h + j) + i * g;
                assertEquals(i, a.get(r * 4 * h + j), tol);
                assertEquals(g, a.get(r * 4 * h + 3 * h + j), tol);
                assertEquals(cell, c.get(r * h + j), tol * 4);
                assertEquals(o * Math.tanh(cell), out.get(r * h + j), tol * 4);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void elementwiseHelpers(DType dtype) {
        Kernels k = Kernels.of(dtype);
        Tensor x = Tensor.of(dtype, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor bias = Tensor.of(dtype, new double[] {10, 20, 30}, 3);
        k.addRowVector(x, bias);
        assertEquals(36, x.get(5));
        Tensor sums = Tensor.of(dtype, new double[] {1, 1, 1}, 3);
        k.addColumnSums(x, sums);
        assertEquals(1 + 11 + 14, sums.get(0));
        assertEquals(1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6, k.sumSquares(Tensor.of(dtype, new double[] {1, 2, 3, 4, 5, 6}, 6)), 1e-9);
        int[] arg = new int[2];
        k.argmaxRows(Tensor.of(dtype, new double[] {1, 7, 7, -1, -3, -2}, 2, 3), arg);
        assertEquals(1, arg[0], "first maximum wins ties");
        assertEquals(0, arg[1]);
        assertFalse(k.hasNonFinite(x));
        x.set(2, Double.NaN);
        assertTrue(k.hasNonFinite(x));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fusedAdamStepIsBitwiseTheThreePassSequence(DType dtype) {
        Random rng = new Random(4);
        Kernels k = Kernels.of(dtype);
        // Odd length (no multiple of any vector width), views at an offset with a margin after them;
        // 8 steps over 30k elements run the loops long enough for C2 to compile (and vectorize) them.
        int off = 7, n = 30_011, cap = off + n + 5;
        Tensor w1 = random(rng, dtype, cap);
        Tensor m1 = random(rng, dtype, cap);
        Tensor v1 = Tensor.zeros(dtype, cap);
        for (int i = 0; i < cap; i++) {
            v1.set(i, Math.abs(rng.nextGaussian()) * 1e-4);
        }
        Tensor w2 = w1.copy(dtype), m2 = m1.copy(dtype), v2 = v1.copy(dtype);
        double[] w0 = w1.toDoubleArray();
        for (int t = 1; t <= 8; t++) {
            Tensor dwStore = Tensor.zeros(dtype, cap);
            for (int i = 0; i < cap; i++) {
                // gradients over many magnitudes, some exactly zero
                dwStore.set(i, i % 97 == 0 ? 0 : rng.nextGaussian() * Math.pow(10, -6 + 7 * rng.nextDouble()));
            }
            Tensor dw = dwStore.view(off, n);
            double alpha = -1e-2 / (1 - Math.pow(0.9, t));
            double vScale = 1 / (1 - Math.pow(0.999, t));
            k.lerp(m1.view(off, n), dw, 0.9);
            k.lerpSquares(v1.view(off, n), dw, 0.999);
            k.addRatio(w1.view(off, n), alpha, m1.view(off, n), v1.view(off, n), vScale, 1e-8);
            k.adamStep(w2.view(off, n), dw, m2.view(off, n), v2.view(off, n), 0.9, 0.999, alpha, vScale, 1e-8);
        }
        // Double.equals semantics: bit for bit (a float32 value widens to a unique double)
        assertArrayEquals(w1.toDoubleArray(), w2.toDoubleArray(), "w");
        assertArrayEquals(m1.toDoubleArray(), m2.toDoubleArray(), "m");
        assertArrayEquals(v1.toDoubleArray(), v2.toDoubleArray(), "v");
        assertNotEquals(w0[off + n / 2], w2.get(off + n / 2), "the weights moved");
        for (int i : new int[] {0, off - 1, off + n, cap - 1}) {
            assertEquals(w0[i], w2.get(i), "outside the view at " + i);
        }
    }

    @Test
    void fusedAdamStepChecksItsOperands() {
        Kernels k = Kernels.of(DType.FLOAT32);
        Tensor w = Tensor.zeros(DType.FLOAT32, 8), dw = Tensor.zeros(DType.FLOAT32, 8);
        Tensor m = Tensor.zeros(DType.FLOAT32, 8), v = Tensor.zeros(DType.FLOAT32, 8);
        assertThrows(IllegalArgumentException.class, () -> k.adamStep(w, dw, dw, v, 0.9, 0.999, -1, 1, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> k.adamStep(w, dw, m, m, 0.9, 0.999, -1, 1, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> k.adamStep(w, dw, m, v.view(0, 7), 0.9, 0.999, -1, 1, 1e-8));
        Tensor shifted = Tensor.zeros(DType.FLOAT32, 9).view(1, 8);
        assertThrows(IllegalArgumentException.class, () -> k.adamStep(w, shifted, m, v, 0.9, 0.999, -1, 1, 1e-8));
        k.adamStep(w, w, m, v, 0.9, 0.999, -1, 1, 1e-8); // w may be its own gradient: read before written
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** A trained model's saturated gates make subnormal floats; the float32 kernels flush them where they are born. */
    @Test
    void saturatedFloat32GatesAndProbabilitiesLeaveNoSubnormals() {
        int n = 2, h = 9;
        Kernels k = Kernels.of(DType.FLOAT32);
        Tensor a = Tensor.zeros(DType.FLOAT32, n, 4 * h);
        for (int j = 0; j < a.size(); j++) {
            a.set(j, j % (4 * h) < 3 * h ? -95 + j % 5 : 0.5);   // sigmoid(-95) = 5.5e-42, subnormal
        }
        Tensor cPrev = Tensor.zeros(DType.FLOAT32, n, h);
        cPrev.fill(1e-10);
        Tensor c = Tensor.zeros(DType.FLOAT32, n, h), tanhC = Tensor.zeros(DType.FLOAT32, n, h);
        Tensor out = Tensor.zeros(DType.FLOAT32, n, h);
        k.lstmGatesForward(a, cPrev, c, tanhC, out);
        Tensor dh = Tensor.zeros(DType.FLOAT32, n, h);
        dh.fill(1e-3);
        Tensor dc = Tensor.zeros(DType.FLOAT32, n, h);
        Tensor da = Tensor.zeros(DType.FLOAT32, n, 4 * h);
        k.lstmGatesBackward(a, cPrev, tanhC, dh, dc, da);
        Tensor scores = Tensor.of(DType.FLOAT32, new double[] {0, -95, -100, 3, -200, 1}, 1, 6);
        k.softmaxCrossEntropy(scores, new int[] {0}, new boolean[] {true}, 1, scores);
        for (Tensor t : new Tensor[] {a, c, tanhC, out, da, dc, scores}) {
            for (int j = 0; j < t.size(); j++) {
                double v = Math.abs(t.get(j));
                assertTrue(v == 0 || v >= Float.MIN_NORMAL, "subnormal " + v + " at " + j);
            }
        }
        assertEquals(0.0, a.get(0));
        assertEquals(0.0, scores.get(1));
        assertTrue(scores.get(5) > 0);
    }
}
