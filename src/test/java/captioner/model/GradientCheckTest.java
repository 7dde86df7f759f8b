package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link GradientCheck#checkModel} treats kinks: a loss of three entries whose kinks sit where we put them. */
class GradientCheckTest {
    /** The kink of the third entry: relu(w2 − C). */
    private static final double C = 0.25;

    /**
     * {@code relu(w0) + w1²/2 + relu(w2 − C)} with its exact gradient, the third entry's reported {@code 1 + error}
     * times the truth.
     */
    private record Kinks(Tensor params, ParamLayout layout, double error) implements TrainableModel {
        static Kinks at(double w0, double w1, double w2, double error) {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            shapes.put("w", new int[] {3});
            return new Kinks(Tensor.wrap(new double[] {w0, w1, w2}, 3), new ParamLayout(shapes, "kinks"), error);
        }

        @Override
        public void setParams(Tensor p) {
            params.copyFrom(p);
        }

        @Override
        public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout) {
            return loss(features, captions, captionLength, grads);
        }

        @Override
        public double loss(Tensor features, int[] captions, int captionLength, Tensor grads) {
            double w0 = params.get(0);
            double w1 = params.get(1);
            double w2 = params.get(2);
            if (grads != null) {
                grads.set(0, grads.get(0) + (w0 > 0 ? 1 : 0));
                grads.set(1, grads.get(1) + w1);
                grads.set(2, grads.get(2) + (w2 > C ? 1 : 0) * (1 + error));
            }
            return Math.max(w0, 0) + w1 * w1 / 2 + Math.max(w2 - C, 0);
        }
    }

    private static GradientCheck.Result check(Kinks model) {
        List<GradientCheck.Result> results = GradientCheck.checkModel(model, Tensor.zeros(DType.FLOAT64, 1, 1),
                new int[1], 1, GradientCheck.MODEL_STEP, 1e-5);
        assertEquals(1, results.size());
        return results.get(0);
    }

    /**
     * w0 = 1e-6 lies within two steps of its kink at every step down to 1e-5: skipped, not passed or failed. w2 is
     * 5e-4 past its kink: at 1e-3 the difference straddles it, at 1e-4 not, and there it matches. w1 is smooth.
     */
    @Test
    void entriesNearAKinkAreDifferencedAtSmallerStepsOrSkipped() {
        GradientCheck.Result r = check(Kinks.at(1e-6, 0.3, C + 5e-4, 0));
        assertTrue(r.pass(), "rel " + r.relError() + " abs " + r.absError());
        assertArrayEquals(new int[] {0, 2}, r.retried());
        assertArrayEquals(new int[] {0}, r.skipped());
        assertTrue(r.absError() < 1e-10, "abs " + r.absError());
        // Away from both kinks nothing is retried.
        GradientCheck.Result smooth = check(Kinks.at(0.5, 0.3, C + 0.5, 0));
        assertTrue(smooth.pass());
        assertArrayEquals(new int[0], smooth.retried());
    }

    /** A wrong derivative is wrong at every kink-free step: 1e-3 or 1e-4 off on the entry next to its kink fails. */
    @Test
    void aWrongDerivativeNearAKinkStillFails() {
        for (double error : new double[] {1e-3, -1e-4}) {
            GradientCheck.Result r = check(Kinks.at(0.5, 0.3, C + 5e-4, error));
            assertFalse(r.pass(), "error " + error);
            assertArrayEquals(new int[] {2}, r.retried());
            assertArrayEquals(new int[0], r.skipped());
            assertEquals(Math.abs(error), r.absError(), 1e-9);
        }
    }
}
