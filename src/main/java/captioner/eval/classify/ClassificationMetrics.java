package captioner.eval.classify;

import captioner.nn.BinaryCrossEntropy;
import captioner.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CoLA's figures for N sentences: the loss (binary cross-entropy from the logit, averaged), accuracy, the Matthews
 * correlation coefficient (CoLA's official metric), precision, recall and F1 of the acceptable class (label 1), with
 * a sentence predicted acceptable when its score σ(z) ≥ 0.5, that is z ≥ 0. The majority-class baseline predicts
 * the training split's more frequent label for every sentence: its MCC is 0 by definition. Ratios whose denominator
 * is 0 are 0 (scikit-learn's convention).
 */
public record ClassificationMetrics(int sentences, double loss, double accuracy, double mcc, double precision,
                                    double recall, double f1, int majorityLabel, double majorityAccuracy,
                                    double majorityF1) {

    /**
     * @param logits        (N,) the model's logits
     * @param labels        N labels, 0 or 1
     * @param majorityLabel the training split's more frequent label
     */
    public static ClassificationMetrics of(Tensor logits, int[] labels, int majorityLabel) {
        int n = labels.length;
        Tensor scratch = Tensor.zeros(logits.dtype(), n);
        double loss = n == 0 ? Double.NaN : BinaryCrossEntropy.forwardBackward(logits, labels, 1.0 / n, scratch);
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < n; i++) {
            boolean predicted = logits.get(i) >= 0;
            boolean actual = labels[i] == 1;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            } else {
                tn++;
            }
        }
        long positives = tp + fn;
        double majorityAccuracy = ratio(majorityLabel == 1 ? positives : n - positives, n);
        double majorityF1 = majorityLabel == 1 ? f1(ratio(positives, n), positives > 0 ? 1 : 0) : 0;
        double precision = ratio(tp, tp + fp);
        double recall = ratio(tp, tp + fn);
        return new ClassificationMetrics(n, loss, ratio(tp + tn, n), mcc(tp, tn, fp, fn), precision, recall,
                f1(precision, recall), majorityLabel, majorityAccuracy, majorityF1);
    }

    /** Matthews' coefficient (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)), 0 when a margin is empty. */
    static double mcc(long tp, long tn, long fp, long fn) {
        double d = (double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
        return d == 0 ? 0 : ((double) tp * tn - (double) fp * fn) / Math.sqrt(d);
    }

    /** The training labels' more frequent value (1 on a tie, the acceptable class). */
    public static int majority(int[] trainLabels) {
        long ones = 0;
        for (int y : trainLabels) {
            ones += y;
        }
        return 2 * ones >= trainLabels.length ? 1 : 0;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** The figures under their JSON keys, in order. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentences", sentences);
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        m.put("mcc", mcc);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", f1);
        m.put("majority_label", majorityLabel);
        m.put("majority_accuracy", majorityAccuracy);
        m.put("majority_mcc", 0.0);
        m.put("majority_f1", majorityF1);
        return m;
    }

    /** Lines for the console. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "sentences %d%nloss %.4f%naccuracy %.4f%nmcc %.4f%nprecision %.4f%n"
                + "recall %.4f%nf1 %.4f%nmajority baseline (always %d): accuracy %.4f, mcc 0, f1 %.4f%n", sentences, loss,
                accuracy, mcc, precision, recall, f1, majorityLabel, majorityAccuracy, majorityF1);
    }
}
