package captioner.nn;

import captioner.model.GradientCheck;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer tests judge gradients by {@link GradientCheck#scaledError} below 1e-7. These cases show that
 * the measure still fails the mistakes a backward pass makes, on the LSTM's recurrent weights.
 */
class GradientMeasureTest {
    private static final double TOLERANCE = 1e-7;

    private final Tensor numeric;
    private final Tensor analytic;

    GradientMeasureTest() {
        SequenceGradients lstm = new SequenceGradients(Lstm::new, 4, new Random(231), 2, 3, 10, 6);
        numeric = lstm.numeric("dWh");
        analytic = lstm.analytic("dWh");
    }

    @Test
    void theCorrectGradientPasses() {
        assertTrue(GradientCheck.scaledError(numeric, analytic) < TOLERANCE);
    }

    @Test
    void aGradientOffByOnePartInAMillionFails() {
        Tensor wrong = analytic.copy(DType.FLOAT64);
        for (int i = 0; i < wrong.size(); i++) {
            wrong.set(i, wrong.get(i) * (1 + 1e-6));
        }
        assertFails(wrong);
    }

    @Test
    void oneWrongEntryOfTypicalSizeFails() {
        Tensor wrong = analytic.copy(DType.FLOAT64);
        int median = medianMagnitudeIndex(wrong);
        wrong.set(median, wrong.get(median) * 1.001);
        assertFails(wrong);
    }

    @Test
    void aMissingGateFails() {
        // The output gate's columns (i, f, o, g order: the third block) left at zero.
        Tensor wrong = analytic.copy(DType.FLOAT64);
        int h = wrong.dim(0);
        for (int r = 0; r < h; r++) {
            for (int c = 2 * h; c < 3 * h; c++) {
                wrong.set(r * 4 * h + c, 0);
            }
        }
        assertFails(wrong);
    }

    private void assertFails(Tensor wrong) {
        double e = GradientCheck.scaledError(numeric, wrong);
        assertTrue(e >= TOLERANCE, "a wrong gradient passed: scaled error " + e);
    }

    private static int medianMagnitudeIndex(Tensor t) {
        Integer[] order = new Integer[t.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(t.get(a)), Math.abs(t.get(b))));
        return order[order.length / 2];
    }
}
