package captioner.tensor;

import static captioner.tensor.FloatMathTest.VECTOR_MODULE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SumSquaresTest {

    /**
     * Relative tolerance versus the exact sum. Squares of floats (and, for float64, of the test's
     * doubles) are exact or rounded once; each path adds n/k positive terms per accumulator (k = 4
     * scalar, lanes on the vector path), so its error is at most about n/4 * 2^-53 = 8.3e-11 for
     * the 3M-term ranges here.
     */
    static final double REL = 1e-10;

    /** Neumaier-compensated sum of squares: within about 2^-52 relative of the exact sum. */
    static double reference(double[] x, int off, int len) {
        double sum = 0;
        double comp = 0;
        for (int i = off; i < off + len; i++) {
            double t = x[i] * x[i];
            double s = sum + t;
            comp += Math.abs(sum) >= Math.abs(t) ? (sum - s) + t : (t - s) + sum;
            sum = s;
        }
        return sum + comp;
    }

    /** Gaussian values (gradient-like: the accumulation error matters most) or a wide magnitude spread. */
    static double value(Random rng, boolean wide) {
        double g = rng.nextGaussian();
        // 2^-80: its float square underflows float but not double
        return wide ? g * Math.scalb(1.0, rng.nextInt(141) - 80) : g;
    }

    static float[] floats(Random rng, int n, boolean wide) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) value(rng, wide);
        }
        return a;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double sum(String path, float[] a, int off, int len) {
        return switch (path) {
            case "vector" -> {
                assumeTrue(VECTOR_MODULE, "jdk.incubator.vector not present");
                yield VectorKernels.sumSquares(a, off, len);
            }
            case "scalar" -> FloatMath.sumSquaresScalar(a, off, len);
            default -> throw new IllegalArgumentException(path);
        };
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void kernelsMatchTheExactSumOnLongOddRangesAtOffsets(DType dtype) {
        Random rng = new Random(11);
        Kernels k = Kernels.of(dtype);
        for (boolean wide : new boolean[] {false, true}) {
            for (int n : new int[] {0, 1, 5, 15, 16, 17, 33, 1_000_003, 3_000_017}) {
                for (int off : new int[] {0, 3}) {
                    Tensor store = Tensor.zeros(dtype, off + n + 2);
                    for (int i = 0; i < store.size(); i++) {
                        // a huge margin: reading one element outside the view would show
                        store.set(i, i < off || i >= off + n ? 1e18 : value(rng, wide));
                    }
                    double exact = reference(store.toDoubleArray(), off, n);
                    double got = k.sumSquares(store.view(off, n));
                    assertEquals(exact, got, REL * exact, dtype + " n=" + n + " off=" + off + " wide=" + wide);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void eachPathIsAccurateAndDeterministic(String path) {
        Random rng = new Random(12);
        float[] a = floats(rng, 3_000_021, false);
        double[] d = widen(a);
        double first = sum(path, a, 5, 3_000_011);
        assertEquals(reference(d, 5, 3_000_011), first, REL * first);
        assertEquals(Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(sum(path, a, 5, 3_000_011)));
        // every tail length at every alignment
        float[] b = floats(rng, 80, true);
        double[] bd = widen(b);
        for (int off = 0; off < 4; off++) {
            for (int len = 0; len <= 70; len++) {
                double exact = reference(bd, off, len);
                assertEquals(exact, sum(path, b, off, len), REL * exact, path + " off=" + off + " len=" + len);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void extremeAndNonFiniteValues(String path) {
        for (int n : new int[] {3, 37}) { // tail only; vector body and tail
            float[] big = new float[n];
            java.util.Arrays.fill(big, -Float.MAX_VALUE);
            double max2 = (double) Float.MAX_VALUE * Float.MAX_VALUE;
            assertEquals(n * max2, sum(path, big, 0, n), 1e-15 * n * max2, "no overflow");
            float[] tiny = new float[n];
            java.util.Arrays.fill(tiny, Float.MIN_VALUE);
            assertEquals(n * 0x1p-298, sum(path, tiny, 0, n), "subnormal squares are exact in double");
            for (int at : new int[] {0, n / 2, n - 1}) {
                float[] x = new float[n];
                x[at] = Float.NEGATIVE_INFINITY;
                assertEquals(Double.POSITIVE_INFINITY, sum(path, x, 0, n));
                x[at] = Float.NaN;
                assertTrue(Double.isNaN(sum(path, x, 0, n)), path + " NaN at " + at);
            }
        }
    }

    @Test
    void sameBitsBeforeAndAfterTheJitCompilesIt() {
        // Combining lanes in a fixed order (not reduceLanes) keeps interpreted and compiled results
        // equal. Only a real check when this runs before anything else warmed the kernel up.
        float[] small = floats(new Random(13), 1001, false);
        double cold = FloatMath.sumSquares(small, 1, 999);
        float[] warm = floats(new Random(14), 20_000, false);
        double sink = 0;
        for (int r = 0; r < 3000; r++) {
            sink += FloatMath.sumSquares(warm, r % 7, 19_990);
        }
        assertTrue(sink > 0);
        assertEquals(Double.doubleToRawLongBits(cold), Double.doubleToRawLongBits(FloatMath.sumSquares(small, 1, 999)));
    }

    @Test
    void publicApiUsesTheActivePathAndChecksBounds() {
        float[] a = floats(new Random(15), 4099, false);
        double expected = FloatMath.isVectorized() ? VectorKernels.sumSquares(a, 2, 4090)
                : FloatMath.sumSquaresScalar(a, 2, 4090);
        assertEquals(expected, FloatMath.sumSquares(a, 2, 4090), 0.0);
        assertEquals(expected, Kernels.of(DType.FLOAT32).sumSquares(Tensor.wrap(a, 4099).view(2, 4090)), 0.0);
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.sumSquares(a, 10, 4090));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.sumSquares(a, -1, 2));
        assertEquals(0.0, FloatMath.sumSquares(a, 4099, 0));
    }
}
