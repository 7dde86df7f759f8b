package captioner.eval.classify;

import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassificationMetricsTest {
    /** TP 2, FN 1, FP 1, TN 2: every figure by hand. */
    @Test
    void figuresOfAKnownConfusionMatrix() {
        double[] z = {2, -1, 0.5, -3, 1, -0.2};
        int[] y = {1, 1, 0, 0, 1, 0};
        ClassificationMetrics m = ClassificationMetrics.of(Tensor.wrap(z, 6), y, 1);
        assertEquals(6, m.sentences());
        assertEquals(4.0 / 6, m.accuracy(), 1e-15);
        assertEquals(2.0 / 3, m.precision(), 1e-15);
        assertEquals(2.0 / 3, m.recall(), 1e-15);
        assertEquals(2.0 / 3, m.f1(), 1e-15);
        assertEquals(1.0 / 3, m.mcc(), 1e-15);  // (2·2 − 1·1) / √(3·3·3·3)
        double loss = 0;
        for (int i = 0; i < 6; i++) {
            double s = 1 / (1 + Math.exp(-z[i]));
            loss -= (y[i] == 1 ? Math.log(s) : Math.log(1 - s)) / 6;
        }
        assertEquals(loss, m.loss(), 1e-14);
        assertEquals(0.5, m.majorityAccuracy(), 1e-15);
        assertEquals(2.0 / 3, m.majorityF1(), 1e-15);  // precision 1/2, recall 1
    }

    @Test
    void perfectInverseAndConstantPredictions() {
        int[] y = {1, 0, 1, 0};
        assertEquals(1, ClassificationMetrics.of(Tensor.wrap(new double[] {3, -3, 1, -1}, 4), y, 1).mcc(), 1e-15);
        assertEquals(-1, ClassificationMetrics.of(Tensor.wrap(new double[] {-3, 3, -1, 1}, 4), y, 1).mcc(), 1e-15);
        ClassificationMetrics constant = ClassificationMetrics.of(Tensor.wrap(new double[] {-1, -1, -1, -1}, 4), y, 0);
        assertEquals(0, constant.mcc());
        assertEquals(0, constant.precision());
        assertEquals(0, constant.f1());
        assertEquals(0.5, constant.majorityAccuracy());
        assertEquals(0, constant.majorityF1());
        assertEquals(1, ClassificationMetrics.majority(new int[] {1, 0}));
        assertEquals(0, ClassificationMetrics.majority(new int[] {1, 0, 0}));
    }
}
