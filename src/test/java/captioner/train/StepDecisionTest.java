package captioner.train;

import captioner.nn.GradientClipping;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owners' decision of an iteration is the default design's, from the partitions' numbers alone. */
class StepDecisionTest {
    private static final long[] CAPTIONS = {30, 40, 30};

    @Test
    void theNormIsTheSlicedNormOfTheDefaultDesignToTheBit() {
        Random r = new Random(3);
        float[] values = new float[10_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (r.nextGaussian() * Math.exp(6 * r.nextGaussian()));
        }
        Tensor grads = Tensor.wrap(values, values.length);
        double[] squares = new double[3];
        for (int q = 0; q < 3; q++) {
            squares[q] = GradientClipping.sliceSumSquares(grads, 3, q);
        }
        StepDecision d = StepDecision.of(new double[] {1.5, 2.25, 0.125}, CAPTIONS, squares, null);
        assertEquals(Double.doubleToRawLongBits(GradientClipping.norm(grads, 3)), Double.doubleToRawLongBits(d.norm()));
        assertEquals(3.875, d.lossSum());
        assertEquals(100, d.captions());
        assertTrue(d.finite());
        assertFalse(d.clip());
        assertEquals(1.0, d.clipScale());
    }

    @Test
    void clipsAboveTheBoundOnlyAsClipInPlaceDoes() {
        double[] losses = {1, 1, 1};
        StepDecision above = StepDecision.of(losses, CAPTIONS, new double[] {9, 0, 16}, 2.0);
        assertTrue(above.clip());
        assertEquals(2.0 / 5.0, above.clipScale());
        StepDecision at = StepDecision.of(losses, CAPTIONS, new double[] {1, 2, 1}, 2.0);
        assertFalse(at.clip(), "a norm equal to the bound is left alone");
        assertEquals(1.0, at.clipScale());
    }

    @Test
    void aLossOrNormThatIsNotFiniteStopsTheUpdateAndIsNeverClipped() {
        StepDecision nanLoss = StepDecision.of(new double[] {1, Double.NaN, 1}, CAPTIONS, new double[] {1, 1, 1}, 0.5);
        assertFalse(nanLoss.finite());
        assertFalse(nanLoss.clip());
        StepDecision infNorm = StepDecision.of(new double[] {1, 1, 1}, CAPTIONS,
                new double[] {1, Double.POSITIVE_INFINITY, 1}, 0.5);
        assertFalse(infNorm.finite());
        assertFalse(infNorm.clip());
        assertEquals(Double.POSITIVE_INFINITY, infNorm.norm());
    }
}
