package captioner.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
