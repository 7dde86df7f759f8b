package captioner.eval;

import captioner.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a retrained model earns its promotion: its score on one metric against a baseline's, both evaluated on
 * the same split with the same decoder. Loss, cross-entropy and perplexity are better when lower, every caption
 * metric when higher; a tie passes (a retrain on the same data may reproduce the baseline exactly), a NaN fails.
 *
 * @param metric    an {@link EvaluationKeys} key
 * @param candidate the new model's value
 * @param baseline  the baseline's value
 */
public record RetrainingGate(String metric, double candidate, double baseline) {
    /** CIDEr-D: the metric the COCO captioning leaderboard ranks by. */
    public static final String DEFAULT_METRIC = EvaluationKeys.CIDER_D;
    public static final String BASELINE = "baseline";
    public static final String CANDIDATE = "candidate";
    public static final String METRIC = "metric";
    public static final String DIFFERENCE = "difference";
    public static final String PASSED = "passed";

    private static final List<String> LOWER_IS_BETTER = List.of(EvaluationKeys.LOSS,
            EvaluationKeys.CROSS_ENTROPY_PER_TOKEN, EvaluationKeys.PERPLEXITY);

    public RetrainingGate {
        checkMetric(metric);
    }

    /** The keys a gate can compare on. */
    public static List<String> metrics() {
        List<String> keys = new ArrayList<>(LOWER_IS_BETTER);
        keys.add(EvaluationKeys.BLEU1_UNIGRAM_CS231N);
        for (int n = 1; n <= Bleu.MAX_ORDER; n++) {
            keys.add(EvaluationKeys.corpusBleu(n));
        }
        for (int n = 1; n <= Bleu.MAX_ORDER; n++) {
            keys.add(EvaluationKeys.cocoBleu(n));
        }
        keys.add(EvaluationKeys.ROUGE_L);
        keys.add(EvaluationKeys.CIDER_D);
        keys.add(EvaluationKeys.MEAN_LOG_PROB);
        return keys;
    }

    public static void checkMetric(String metric) {
        if (!metrics().contains(metric)) {
            throw new BadInputException("metric '" + metric + "' is unknown; expected one of " + metrics());
        }
    }

    /** The metric's value in {@link Evaluation#json}'s figures. */
    public static double value(Map<String, Object> figures, String metric) {
        Object v = figures.get(metric);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("the evaluation has no figure '" + metric + "'");
        }
        return n.doubleValue();
    }

    public boolean lowerIsBetter() {
        return LOWER_IS_BETTER.contains(metric);
    }

    /** candidate − baseline. */
    public double difference() {
        return candidate - baseline;
    }

    public boolean passed() {
        return lowerIsBetter() ? candidate <= baseline : candidate >= baseline;
    }

    /** Both evaluations, the metric, the difference and the verdict: what {@code evaluate --baseline --out} writes. */
    public Map<String, Object> json(Map<String, Object> candidateFigures, Map<String, Object> baselineFigures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(METRIC, metric);
        m.put(CANDIDATE, candidateFigures);
        m.put(BASELINE, baselineFigures);
        m.put(DIFFERENCE, difference());
        m.put(PASSED, passed());
        return m;
    }

    /** One line, e.g. "cider_d 0.4210 vs baseline 0.4011 (+0.0199, higher is better): passed". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s %.4f vs baseline %.4f (%+.4f, %s is better): %s", metric,
                candidate, baseline, difference(), lowerIsBetter() ? "lower" : "higher",
                passed() ? "passed" : "worse than the baseline");
    }
}
