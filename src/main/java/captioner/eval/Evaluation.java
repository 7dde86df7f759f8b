package captioner.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a {@link SplitEvaluation} with what they were computed on: the JSON that {@code evaluate --out}
 * writes and the summary the commands print. Every BLEU figure has "bleu" in its key.
 *
 * @param checkpoint the model file as the user named it
 * @param data       the data's description ({@code TrainingData.source()})
 * @param smoothing  for corpus BLEU
 */
public record Evaluation(SplitEvaluation.Result result, String checkpoint, String data, Bleu.Smoothing smoothing) {

    /** One metric: its JSON key, its label for people, and its value per decoder. */
    public record Metric(String key, String label, double[] values) {
    }

    /** The loss figures, which do not depend on the decoder. */
    public Map<String, Object> lossJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", result.loss());
        m.put("cross_entropy_per_token", result.crossEntropyPerToken());
        m.put("perplexity", result.perplexity());
        m.put("tokens", result.lossTokens());
        return m;
    }

    /** The caption metrics, each with a value per decoder, in the order the tables show them. */
    public List<Metric> captionMetrics() {
        int n = result.decoders().size();
        List<Metric> out = new ArrayList<>();
        out.add(metric("bleu1_unigram_cs231n", "BLEU-1 unigram per caption (cs231n)", n, result::bleu1Cs231n));
        for (int order = 1; order <= Bleu.MAX_ORDER; order++) {
            int o = order;
            out.add(metric("corpus_bleu_" + o, "corpus BLEU-" + o, n, d -> result.corpusBleu(d, o, smoothing)));
        }
        out.add(metric("mean_log_prob", "mean log-probability", n, result::meanLogProb));
        out.add(metric("mean_words", "mean words per caption", n, result::meanWords));
        return out;
    }

    private static Metric metric(String key, String label, int n, java.util.function.IntToDoubleFunction f) {
        double[] v = new double[n];
        for (int d = 0; d < n; d++) {
            v[d] = f.applyAsDouble(d);
        }
        return new Metric(key, label, v);
    }

    /** Everything about decoder {@code decoder}'s run, flat: what {@code evaluate --out} writes. */
    public Map<String, Object> json(int decoder) {
        Map<String, Object> m = new LinkedHashMap<>();
        Decoder dec = result.decoders().get(decoder);
        m.put("checkpoint", checkpoint);
        m.put("data", data);
        m.put("split", result.split());
        m.put("images", result.numImages());
        m.put("captions", result.numCaptions());
        m.put("decoder", dec.label());
        m.put("max_length", dec.maxLength());
        m.putAll(lossJson());
        for (Metric metric : captionMetrics()) {
            m.put(metric.key(), metric.values()[decoder]);
        }
        m.put("bleu_smoothing", smoothing.label());
        return m;
    }

    /** A readable summary: what was evaluated, the loss, and a column of caption metrics per decoder. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s on the %s split of %s: %,d images, %,d captions%n", checkpoint,
                result.split(), data, result.numImages(), result.numCaptions()));
        if (!Double.isNaN(result.loss())) {
            s.append(String.format(Locale.ROOT, "  %-40s %9.4f%n", "loss (cs231n: per caption)", result.loss()));
            s.append(String.format(Locale.ROOT, "  %-40s %9.4f nats (perplexity %.4f, %,d words)%n",
                    "cross-entropy per token", result.crossEntropyPerToken(), result.perplexity(), result.lossTokens()));
        }
        int[] width = new int[result.decoders().size()];
        s.append(String.format(Locale.ROOT, "  %-40s", "decoder (max " + result.decoders().get(0).maxLength()
                + " words)"));
        for (int d = 0; d < width.length; d++) {
            String label = result.decoders().get(d).label();
            width[d] = Math.max(9, label.length());
            s.append(' ').append(" ".repeat(width[d] - label.length())).append(label);
        }
        s.append('\n');
        for (Metric m : captionMetrics()) {
            s.append(String.format(Locale.ROOT, "  %-40s", m.label()));
            for (int d = 0; d < width.length; d++) {
                s.append(String.format(Locale.ROOT, " %" + width[d] + ".4f", m.values()[d]));
            }
            s.append('\n');
        }
        s.append(String.format(Locale.ROOT, "  (per-caption BLEU: each generated caption against each of its image's "
                + "captions alone, averaged over %,d captions; corpus BLEU: against all of the image's captions, "
                + "smoothing %s)%n", result.numCaptions(), smoothing.label()));
        return s.toString();
    }
}
