package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static captioner.model.GradientCheck.numericGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BinaryCrossEntropyTest {
    @Test
    void equalsTheDefinitionWhereTheSigmoidIsRepresentable() {
        double[] z = {-3.5, -0.2, 0, 0.7, 4.1};
        int[] y = {0, 1, 1, 0, 1};
        Tensor logits = Tensor.wrap(z.clone(), 5);
        double expected = 0;
        for (int i = 0; i < z.length; i++) {
            double s = 1 / (1 + Math.exp(-z[i]));
            expected -= y[i] == 1 ? Math.log(s) : Math.log(1 - s);
        }
        Tensor d = Tensor.zeros(DType.FLOAT64, 5);
        assertEquals(expected / 5, BinaryCrossEntropy.forwardBackward(logits, y, 0.2, d), 1e-15);
        for (int i = 0; i < z.length; i++) {
            assertEquals((1 / (1 + Math.exp(-z[i])) - y[i]) * 0.2, d.get(i), 1e-16);
        }
    }

    /** Far logits: the definition gives log(0) = −∞; the stable form gives |z| for a wrong label and 0 for a right one. */
    @Test
    void farLogitsStayFinite() {
        Tensor logits = Tensor.wrap(new double[] {800, -800, 800, -800}, 4);
        Tensor d = Tensor.zeros(DType.FLOAT64, 4);
        double loss = BinaryCrossEntropy.forwardBackward(logits, new int[] {0, 1, 1, 0}, 1, d);
        assertEquals(1600, loss);
        assertEquals(1, d.get(0));
        assertEquals(-1, d.get(1));
        assertEquals(0, d.get(2));
        assertEquals(0, d.get(3));
    }

    @Test
    void gradientMatchesNumeric() {
        Tensor logits = Tensor.wrap(new double[] {-2.3, 0.4, 1.9}, 3);
        int[] y = {1, 0, 0};
        Tensor d = Tensor.zeros(DType.FLOAT64, 3);
        BinaryCrossEntropy.forwardBackward(logits, y, 1, d);
        Tensor scratch = Tensor.zeros(DType.FLOAT64, 3);
        Tensor numeric = numericGradient(() -> BinaryCrossEntropy.forwardBackward(logits, y, 1, scratch), logits, 1e-4);
        for (int i = 0; i < 3; i++) {
            assertEquals(numeric.get(i), d.get(i), 1e-10);
        }
    }

    @Test
    void rejectsLabelsOtherThanZeroOrOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryCrossEntropy
                .forwardBackward(Tensor.zeros(DType.FLOAT64, 2), new int[] {1, 2}, 1, Tensor.zeros(DType.FLOAT64, 2)));
        assertEquals("label 2 at row 1 is not 0 or 1", e.getMessage());
    }
}
