package captioner.eval;

import captioner.eval.metrics.CocoScores;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a {@link SplitEvaluation} with what they were computed on: the JSON that {@code evaluate --out}
 * writes and the summary the commands print. Every BLEU figure has "bleu" in its key; the keys are
 * {@link EvaluationKeys}.
 *
 * @param coco       the MS-COCO caption metrics of each decoder's captions ({@link CocoScoring}); null when not
 *                   computed
 * @param checkpoint the model file as the user named it
 * @param data       the data's description ({@code TrainingData.source()})
 * @param smoothing  for corpus BLEU
 */
public record Evaluation(SplitEvaluation.Result result, List<CocoScores> coco, String checkpoint, String data,
                         Bleu.Smoothing smoothing) {

    public Evaluation {
        if (coco != null && coco.size() != result.decoders().size()) {
            throw new IllegalArgumentException(coco.size() + " sets of coco scores for " + result.decoders().size()
                    + " decoders");
        }
    }

    /** One metric: its JSON key, its label for people, and its value per decoder. */
    public record Metric(String key, String label, double[] values) {
    }

    /** The loss figures, which do not depend on the decoder. */
    public Map<String, Object> lossJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(EvaluationKeys.LOSS, result.loss());
        m.put(EvaluationKeys.CROSS_ENTROPY_PER_TOKEN, result.crossEntropyPerToken());
        m.put(EvaluationKeys.PERPLEXITY, result.perplexity());
        m.put(EvaluationKeys.TOKENS, result.lossTokens());
        return m;
    }

    /** The caption metrics, each with a value per decoder, in the order the tables show them. */
    public List<Metric> captionMetrics() {
        int n = result.decoders().size();
        List<Metric> out = new ArrayList<>();
        out.add(metric(EvaluationKeys.BLEU1_UNIGRAM_CS231N, "BLEU-1 unigram per caption (cs231n)", n,
                result::bleu1Cs231n));
        for (int order = 1; order <= Bleu.MAX_ORDER; order++) {
            int o = order;
            out.add(metric(EvaluationKeys.corpusBleu(o), "corpus BLEU-" + o, n, d -> result.corpusBleu(d, o, smoothing)));
        }
        if (coco != null) {
            for (int order = 1; order <= Bleu.MAX_ORDER; order++) {
                int o = order;
                out.add(metric(EvaluationKeys.cocoBleu(o), "coco BLEU-" + o, n, d -> coco.get(d).bleu(o)));
            }
            out.add(metric(EvaluationKeys.ROUGE_L, "ROUGE-L (coco)", n, d -> coco.get(d).rougeL()));
            out.add(metric(EvaluationKeys.CIDER_D, "CIDEr-D (coco)", n, d -> coco.get(d).ciderD()));
        }
        out.add(metric(EvaluationKeys.MEAN_LOG_PROB, "mean log-probability", n, result::meanLogProb));
        out.add(metric(EvaluationKeys.MEAN_WORDS, "mean words per caption", n, result::meanWords));
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
        m.put(EvaluationKeys.CHECKPOINT, checkpoint);
        m.put(EvaluationKeys.DATA, data);
        m.put(EvaluationKeys.SPLIT, result.split());
        m.put(EvaluationKeys.IMAGES, result.numImages());
        m.put(EvaluationKeys.CAPTIONS, result.numCaptions());
        m.put(EvaluationKeys.DECODER, dec.label());
        m.put(EvaluationKeys.MAX_LENGTH, dec.maxLength());
        m.putAll(lossJson());
        for (Metric metric : captionMetrics()) {
            m.put(metric.key(), metric.values()[decoder]);
        }
        m.put(EvaluationKeys.BLEU_SMOOTHING, smoothing.label());
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
        if (coco != null) {
            s.append("  (coco: the MS-COCO caption evaluation's BLEU, ROUGE-L and CIDEr-D on PTB-tokenized captions, "
                    + "CIDEr-D's document frequencies over these images' captions)\n");
        }
        return s.toString();
    }
}
