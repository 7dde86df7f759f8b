package captioner;

import captioner.model.GradientCheck;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixtures the cs231n notebooks build with numpy, built here in float64. */
public final class TestTensors {
    private TestTensors() {
    }

    /** numpy's {@code linspace(start, stop, num).reshape(shape)}. */
    public static Tensor linspace(double start, double stop, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        int num = t.size();
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            t.set(i, i == num - 1 ? stop : start + i * step);
        }
        return t;
    }

    /** Standard normal draws. */
    public static Tensor randn(Random rng, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, rng.nextGaussian());
        }
        return t;
    }

    /** Swaps the first two axes: cs231n's (N, T, D) to our time-major (T, N, D) and back. */
    public static Tensor swap01(Tensor x) {
        int a = x.dim(0);
        int b = x.dim(1);
        int rest = x.size() / (a * b);
        int[] shape = x.shape();
        shape[0] = b;
        shape[1] = a;
        Tensor out = Tensor.zeros(x.dtype(), shape);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < rest; k++) {
                    out.set((j * a + i) * rest + k, x.get((i * b + j) * rest + k));
                }
            }
        }
        return out;
    }

    public static Tensor of(double[][] rows) {
        double[] flat = java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
        return Tensor.of(DType.FLOAT64, flat, rows.length, rows[0].length);
    }

    /**
     * Asserts that an analytic gradient matches its numeric estimate: {@link GradientCheck#scaledError}
     * below {@code tolerance}. cs231n's element-wise relative error is reported beside it; on its own it
     * fails correct code where roundoff meets a near-zero entry, and how often depends on the BLAS.
     */
    public static void assertGradient(Tensor numeric, Tensor analytic, double tolerance, String what) {
        double e = GradientCheck.scaledError(numeric, analytic);
        assertTrue(e < tolerance, what + ": scaled error " + e + " is not below " + tolerance
                + " (cs231n's relative error " + GradientCheck.relError(numeric, analytic) + ")");
    }

    /** Asserts cs231n's relative error between two tensors is below {@code tolerance}. */
    public static void assertRelError(Tensor expected, Tensor actual, double tolerance, String what) {
        double e = GradientCheck.relError(expected, actual);
        assertTrue(e < tolerance, what + ": relative error " + e + " is not below " + tolerance);
    }
}
