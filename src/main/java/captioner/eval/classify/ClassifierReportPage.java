package captioner.eval.classify;

import captioner.data.classify.SentenceSplit;
import captioner.eval.ReportPage;
import captioner.nn.BinaryCrossEntropy;
import captioner.tensor.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The report page of a sentence classifier's run: the training settings and loss curve as the captioning report
 * shows them ({@link ReportPage#training}), CoLA's figures beside the majority-class baseline, and the split's most
 * confident right and most confident wrong judgements, decoded. Confidence is |σ(z) − 0.5|, i.e. |z|; ties go to
 * the earlier row, so the page is a function of the model and the data.
 */
public final class ClassifierReportPage {
    private ClassifierReportPage() {
    }

    /** What the page is about besides the run's content. */
    public record Scored(String checkpoint, String data, SentenceSplit split, Tensor logits, List<String> words,
                         ClassificationMetrics metrics) {
    }

    /** The page; {@code shown} sentences in each of the right and wrong tables. */
    public static String html(ReportPage.Content content, Scored scored, int shown) {
        StringBuilder s = new StringBuilder(32 * 1024);
        ClassificationMetrics m = scored.metrics();
        ReportPage.head(s, "Classifier report: " + content.title(), String.format(Locale.ROOT,
                "Model %s, evaluated on the %s split of %s: %,d sentences.", scored.checkpoint(),
                scored.split().name(), scored.data(), m.sentences()));
        ReportPage.training(s, content);
        metrics(s, m);
        List<Integer> right = new ArrayList<>();
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < scored.split().size(); i++) {
            boolean predicted = scored.logits().get(i) >= 0;
            (predicted == (scored.split().labels()[i] == 1) ? right : wrong).add(i);
        }
        Comparator<Integer> confident = Comparator.comparingDouble((Integer i) -> -Math.abs(scored.logits().get(i)))
                .thenComparingInt(i -> i);
        right.sort(confident);
        wrong.sort(confident);
        sentences(s, "Most confident right", right, shown, scored);
        sentences(s, "Most confident wrong", wrong, shown, scored);
        s.append("</body>\n</html>\n");
        return s.toString();
    }

    private static void metrics(StringBuilder s, ClassificationMetrics m) {
        s.append("<h2>Metrics</h2>\n<table class=\"metrics\">\n<tr><th>metric</th><th>key</th>"
                + "<th class=\"num\">model</th><th class=\"num\">majority baseline (always ")
                .append(m.majorityLabel()).append(")</th></tr>\n");
        row(s, "loss (binary cross-entropy per sentence)", "loss", m.loss(), Double.NaN);
        row(s, "accuracy", "accuracy", m.accuracy(), m.majorityAccuracy());
        row(s, "Matthews correlation (CoLA's metric)", "mcc", m.mcc(), 0);
        row(s, "precision (acceptable)", "precision", m.precision(), m.majorityLabel() == 1 ? m.majorityAccuracy() : 0);
        row(s, "recall (acceptable)", "recall", m.recall(), m.majorityLabel() == 1 && m.majorityAccuracy() > 0 ? 1 : 0);
        row(s, "F1 (acceptable)", "f1", m.f1(), m.majorityF1());
        s.append("</table>\n<p class=\"note\">A sentence is judged acceptable when its score σ(z) is at least 0.5. "
                + "Precision, recall and F1 are those of the acceptable class (label 1); the baseline gives every "
                + "sentence the training split's more frequent label.</p>\n");
    }

    private static void row(StringBuilder s, String label, String key, double model, double baseline) {
        s.append("<tr><td>").append(ReportPage.escape(label)).append("</td><td><code>").append(key)
                .append("</code></td><td class=\"num\">").append(String.format(Locale.ROOT, "%.4f", model))
                .append("</td><td class=\"num\">")
                .append(Double.isNaN(baseline) ? "" : String.format(Locale.ROOT, "%.4f", baseline))
                .append("</td></tr>\n");
    }

    private static void sentences(StringBuilder s, String title, List<Integer> rows, int shown, Scored scored) {
        int count = Math.min(shown, rows.size());
        s.append("<h2>").append(title).append("</h2>\n");
        if (count == 0) {
            s.append("<p class=\"note\">None.</p>\n");
            return;
        }
        s.append("<table class=\"sentences\">\n<tr><th class=\"num\">row</th><th>sentence</th><th>label</th>"
                + "<th class=\"num\">score</th></tr>\n");
        SentenceSplit split = scored.split();
        for (int k = 0; k < count; k++) {
            int i = rows.get(k);
            String text = SentencePredictions.decode(split.tokens(), i * split.length(), split.length(),
                    scored.words());
            s.append("<tr><td class=\"num\">").append(i).append("</td><td class=\"caption\">")
                    .append(ReportPage.escape(text)).append("</td><td>")
                    .append(split.labels()[i] == 1 ? "acceptable" : "unacceptable").append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.4f", BinaryCrossEntropy.sigmoid(scored.logits().get(i))))
                    .append("</td></tr>\n");
        }
        s.append("</table>\n");
    }
}
