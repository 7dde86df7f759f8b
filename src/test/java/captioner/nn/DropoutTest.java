package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {

    private static boolean[] flags(DropoutMask mask, double p, int n) {
        boolean[] keep = new boolean[n];
        mask.fill(p, keep, n);
        return keep;
    }

    @Test
    void maskIsAPureFunctionOfSeedAndKey() {
        boolean[] a = flags(DropoutMask.counter(42, 3, 1, 7), 0.1, 5000);
        assertArrayEquals(a, flags(DropoutMask.counter(42, 3, 1, 7), 0.1, 5000));
        assertFalse(java.util.Arrays.equals(a, flags(DropoutMask.counter(43, 3, 1, 7), 0.1, 5000)), "seed");
        assertFalse(java.util.Arrays.equals(a, flags(DropoutMask.counter(42, 4, 1, 7), 0.1, 5000)), "key");
        assertFalse(java.util.Arrays.equals(a, flags(DropoutMask.counter(42, 1, 3, 7), 0.1, 5000)), "key order");
        // Element i's flag does not depend on how many were drawn.
        boolean[] prefix = flags(DropoutMask.counter(42, 3, 1, 7), 0.1, 100);
        assertArrayEquals(prefix, java.util.Arrays.copyOf(a, 100));
    }

    @Test
    void keepsAboutOneMinusPOfTheElements() {
        int n = 200_000;
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            boolean[] keep = flags(DropoutMask.counter(231, p > 0.4 ? 1 : 2), p, n);
            int kept = 0;
            for (boolean k : keep) {
                kept += k ? 1 : 0;
            }
            double sigma = Math.sqrt(n * p * (1 - p));
            assertEquals(n * (1 - p), kept, 5 * sigma, "kept at p = " + p);
        }
    }

    @Test
    void trainingScalesKeptElementsAndZeroesTheRest() {
        Random rng = new Random(15);
        Tensor x = randn(rng, 4, 50);
        Dropout dropout = new Dropout(0.25);
        DropoutMask mask = DropoutMask.counter(9, 1);
        boolean[] keep = flags(mask, 0.25, x.size());
        Tensor out = dropout.forward(x, mask);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(keep[i] ? x.get(i) / 0.75 : 0.0, out.get(i), 1e-15, "element " + i);
        }
        Tensor single = new Dropout(0.25).forward(x.copy(DType.FLOAT32), mask);
        for (int i = 0; i < x.size(); i++) {
            assertEquals(out.get(i), single.get(i), 1e-6, "float32 element " + i + " (same mask)");
        }
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentity() {
        Random rng = new Random(15);
        Tensor x = randn(rng, 3, 4);
        assertSame(x, new Dropout(0.5).forward(x, null));
        assertSame(x, new Dropout(0).forward(x, DropoutMask.counter(1)));
        Dropout eval = new Dropout(0.5);
        eval.forward(x, null);
        Tensor dout = randn(rng, 3, 4);
        Tensor dx = Tensor.zeros(DType.FLOAT64, 3, 4);
        eval.backward(dout, dx);
        assertArrayEquals(dout.toDoubleArray(), dx.toDoubleArray());
    }

    @Test
    void backwardMatchesNumericGradients() {
        Random rng = new Random(15);
        Tensor x = randn(rng, 3, 8);
        DropoutMask mask = DropoutMask.counter(5, 2);
        Dropout dropout = new Dropout(0.4);
        Tensor dout = randn(rng, dropout.forward(x, mask).shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        dropout.backward(dout, dx);
        Dropout probe = new Dropout(0.4);
        assertGradient(numericGradientArray(() -> probe.forward(x, mask), x, dout, 1e-3), dx, 1e-7, "dx");
        boolean anyDropped = false;
        for (int i = 0; i < dx.size(); i++) {
            anyDropped |= dx.get(i) == 0;
        }
        assertTrue(anyDropped, "the check should see dropped elements");
    }

    @Test
    void rejectsProbabilityOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN));
    }
}
