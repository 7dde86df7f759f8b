package captioner.eval;

import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.model.ModelConfig;
import captioner.model.Vocabulary;
import captioner.train.RunLayout;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML page about a trained model: the training loss curve (inline SVG), the metrics table
 * (a column per decoder) and a gallery of images with each decoder's caption side by side and the references.
 * CSS is inline and nothing is fetched but the images themselves, by their URLs: the synthetic set's
 * {@code data:} URLs show offline; remote ones (COCO's) show as links with their alt text when offline.
 */
public final class ReportPage {
    private static final String CSS = """
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #1d2127; background: #fff; max-width: 1180px; margin: 24px auto; padding: 0 20px; }
            h1 { font-size: 24px; margin: 0 0 4px; }
            h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #dde1e6; padding-bottom: 4px; }
            .meta { color: #59636e; margin: 0 0 4px; }
            table { border-collapse: collapse; }
            th, td { padding: 5px 10px; border-bottom: 1px solid #e8ebee; text-align: left; vertical-align: top; }
            th { background: #f4f6f8; font-weight: 600; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.span { text-align: center; font-variant-numeric: tabular-nums; }
            .settings td:first-child { color: #59636e; }
            .chart { width: 100%; max-width: 860px; height: auto; }
            .chart .grid { stroke: #e3e6ea; } .chart .axis { stroke: #8a939c; }
            .chart .tick, .chart .title, .chart .legend text { font-size: 12px; fill: #59636e; }
            .chart .raw { fill: none; stroke: #9fbfe6; stroke-width: 1; }
            .chart .smooth { fill: none; stroke: #c0392b; stroke-width: 2; }
            .gallery td { padding: 10px; }
            .gallery img { width: 192px; height: auto; border: 1px solid #ccd2d8; background: #f4f6f8;
                           display: block; }
            .gallery .idx { color: #59636e; font-size: 13px; }
            .caption { font-size: 16px; }
            .miss { color: #b3261e; text-decoration: underline wavy #b3261e; }
            .score { color: #59636e; font-size: 12px; }
            .refs { margin: 0; padding-left: 18px; color: #3b434b; font-size: 14px; }
            .note { color: #59636e; font-size: 13px; }
            """;

    /**
     * What the page shows besides the evaluation.
     *
     * @param title      the page heading, e.g. the run directory
     * @param settings   training settings to list (name → value), in order
     * @param iterations iteration numbers of {@code losses}
     * @param losses     training loss per iteration (may be empty)
     * @param gallery    how many images the gallery shows
     */
    public record Content(String title, Map<String, String> settings, double[] iterations, double[] losses,
                          int gallery) {
    }

    private ReportPage() {
    }

    /** The training settings a page lists: the model's shape and iteration from the checkpoint, then run.json's. */
    public static Map<String, String> settings(Checkpoint checkpoint, RunFiles run) {
        Map<String, String> m = new LinkedHashMap<>();
        if (checkpoint.model() instanceof ModelConfig c) {
            m.put("model", String.format(Locale.ROOT, "%s, V = %d words, D = %d, W = %d, H = %d", c.cell().label(),
                    c.vocabSize(), c.inputDim(), c.wordvecDim(), c.hiddenDim()));
        } else {
            m.put("model", checkpoint.model().summary() + ")");
        }
        m.put("trained", String.format(Locale.ROOT, "%,d iterations (%d epochs), update rule %s, final learning rate %.3g",
                checkpoint.iteration(), checkpoint.epoch(), checkpoint.updateRule(), checkpoint.learningRate()));
        if (run != null && run.run() != null) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(RunLayout.Run.DATA, "data (--data)");
            labels.put(RunLayout.Run.LEARNING_RATE, "initial learning rate");
            labels.put(RunLayout.Run.LR_DECAY, "learning-rate decay per epoch");
            labels.put(RunLayout.Run.BATCH_SIZE, "batch size");
            labels.put(RunLayout.Run.EPOCHS, "epochs asked");
            labels.put(RunLayout.Run.ITERATIONS, "iterations asked");
            labels.put(RunLayout.Run.MAX_TRAIN, "training captions kept (--max-train)");
            labels.put(RunLayout.Run.PARTITIONS, "partitions");
            labels.put(RunLayout.Run.SEED, "seed");
            labels.put(RunLayout.Run.DTYPE, "dtype");
            for (Map.Entry<String, String> e : labels.entrySet()) {
                String v = run.setting(e.getKey());
                if (v != null && e.getKey().equals(RunLayout.Run.DTYPE)) {
                    v = v.toLowerCase(Locale.ROOT); // run.json spells the enum FLOAT32; users write float32
                }
                if (v != null) {
                    m.put(e.getValue(), v);
                }
            }
            if (!Double.isNaN(run.captionsPerSecond())) {
                String unit = checkpoint.model().cell() == CellType.CLASSIFIER ? "sentences" : "captions";
                m.put("mean speed", String.format(Locale.ROOT, "%.0f %s/s", run.captionsPerSecond(), unit));
            }
        }
        return m;
    }

    /** The page. */
    public static String html(Content content, Evaluation evaluation, Vocabulary vocab) {
        SplitEvaluation.Result result = evaluation.result();
        StringBuilder s = new StringBuilder(64 * 1024);
        head(s, "Captioning report: " + content.title(), String.format(Locale.ROOT,
                "Model %s, evaluated on the %s split of %s: %,d images, %,d captions.", evaluation.checkpoint(),
                result.split(), evaluation.data(), result.numImages(), result.numCaptions()));
        training(s, content);
        metrics(s, evaluation);
        gallery(s, content.gallery(), evaluation, vocab);
        s.append("</body>\n</html>\n");
        return s.toString();
    }

    /** The page's start: document head with the inline CSS, the heading and one line of {@code meta}. */
    public static void head(StringBuilder s, String heading, String meta) {
        s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(heading)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        s.append("<h1>").append(escape(heading)).append("</h1>\n");
        s.append("<p class=\"meta\">").append(escape(meta)).append("</p>\n");
    }

    /** The "Training" section: the settings table and the loss curve. */
    public static void training(StringBuilder s, Content content) {
        s.append("<h2>Training</h2>\n<table class=\"settings\">\n");
        for (Map.Entry<String, String> e : content.settings().entrySet()) {
            s.append("<tr><td>").append(escape(e.getKey())).append("</td><td>").append(escape(e.getValue()))
                    .append("</td></tr>\n");
        }
        s.append("</table>\n");
        s.append(LossCurve.svg(content.iterations(), content.losses())).append('\n');
    }

    private static void metrics(StringBuilder s, Evaluation evaluation) {
        SplitEvaluation.Result result = evaluation.result();
        List<Decoder> decoders = result.decoders();
        s.append("<h2>Metrics</h2>\n<table class=\"metrics\">\n<tr><th>metric</th><th>key</th>");
        for (Decoder d : decoders) {
            s.append("<th class=\"num\">").append(escape(d.label())).append("</th>");
        }
        s.append("</tr>\n");
        for (Map.Entry<String, Object> e : evaluation.lossJson().entrySet()) {
            String label = switch (e.getKey()) {
                case EvaluationKeys.LOSS -> "loss (cs231n: summed cross-entropy per caption)";
                case EvaluationKeys.CROSS_ENTROPY_PER_TOKEN -> "cross-entropy per word (nats)";
                case EvaluationKeys.PERPLEXITY -> "perplexity";
                default -> "words predicted (<END> included)";
            };
            String value = e.getValue() instanceof Double v ? String.format(Locale.ROOT, "%.4f", v)
                    : String.format(Locale.ROOT, "%,d", (Long) e.getValue());
            s.append("<tr><td>").append(escape(label)).append("</td><td><code>").append(e.getKey())
                    .append("</code></td><td class=\"span\" colspan=\"").append(decoders.size()).append("\">")
                    .append(value).append("</td></tr>\n");
        }
        for (Evaluation.Metric m : evaluation.captionMetrics()) {
            s.append("<tr><td>").append(escape(m.label())).append("</td><td><code>").append(m.key())
                    .append("</code></td>");
            for (double v : m.values()) {
                s.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.4f", v)).append("</td>");
            }
            s.append("</tr>\n");
        }
        s.append("</table>\n<p class=\"note\">").append(escape(String.format(Locale.ROOT,
                "Per-caption BLEU is cs231n's: NLTK sentence_bleu with weights [1] of the image's generated caption "
                        + "against each of its %,d captions alone, averaged. Corpus BLEU-n compares each generated "
                        + "caption with all of its image's captions (NLTK corpus_bleu, smoothing %s). <START>, <END> "
                        + "and <UNK> are dropped from both. Captions at most %d words.",
                result.numCaptions(), evaluation.smoothing().label(), decoders.get(0).maxLength())));
        if (evaluation.coco() != null) {
            s.append(' ').append(escape("coco BLEU-n, ROUGE-L and CIDEr-D are the MS-COCO caption evaluation's "
                    + "(coco-caption): captions PTB-tokenized, CIDEr-D's document frequencies over the references of "
                    + "the images evaluated, CIDEr-D on its 0-10 scale."));
        }
        s.append("</p>\n");
    }

    private static void gallery(StringBuilder s, int count, Evaluation evaluation, Vocabulary vocab) {
        SplitEvaluation.Result result = evaluation.result();
        List<Decoder> decoders = result.decoders();
        BleuTokens tokens = new BleuTokens(vocab);
        int shown = Math.min(count, result.images().size());
        s.append("<h2>Samples</h2>\n<p class=\"note\">").append(escape(String.format(Locale.ROOT,
                "The first %d images of the %s split. Underlined words appear in none of the image's references; "
                        + "\"BLEU-1\" is the per-caption metric of that image, \"CIDEr-D\" its coco CIDEr-D, "
                        + "\"log p\" the caption's "
                        + "log-probability (<END> included).", shown, result.split()))).append("</p>\n");
        s.append("<table class=\"gallery\">\n<tr><th>image</th>");
        for (Decoder d : decoders) {
            s.append("<th>").append(escape(d.label())).append("</th>");
        }
        s.append("<th>references</th></tr>\n");
        for (int shownIndex = 0; shownIndex < shown; shownIndex++) {
            SplitEvaluation.ImageResult image = result.images().get(shownIndex);
            int idx = image.imageIdx();
            String url = result.references().url(idx);
            s.append("<tr><td>");
            if (url != null && ImageUrl.linkable(url)) {
                s.append("<a href=\"").append(escape(url)).append("\"><img src=\"").append(escape(url))
                        .append("\" alt=\"").append(escape(result.split() + " image " + idx)).append("\" loading=\"lazy\">")
                        .append("</a>");
            } else if (url != null) {
                s.append("<div class=\"url\">").append(escape(url)).append("</div>");
            }
            s.append("<div class=\"idx\">").append(escape(result.split())).append(" image ").append(idx)
                    .append("</div></td>");
            List<int[]> refs = result.references().captions(idx);
            Set<String> refWords = new HashSet<>();
            List<int[]> cleanRefs = new java.util.ArrayList<>();
            for (int[] r : refs) {
                refWords.addAll(List.of(vocab.decode(r, 0, r.length).split(" ")));
                cleanRefs.add(tokens.clean(r));
            }
            for (int d = 0; d < decoders.size(); d++) {
                Caption c = image.captions()[d];
                int[] hypothesis = tokens.clean(c.words());
                double bleu = 0;
                for (int[] r : cleanRefs) {
                    bleu += Bleu.sentence(List.of(r), hypothesis, new double[] {1}, Bleu.Smoothing.NONE);
                }
                s.append("<td><div class=\"caption\">");
                String text = SampleLines.generated(c, vocab);
                for (String w : text.isEmpty() ? new String[0] : text.split(" ")) {
                    s.append(refWords.contains(w) ? escape(w) : "<span class=\"miss\">" + escape(w) + "</span>")
                            .append(' ');
                }
                String cider = evaluation.coco() == null ? "" : String.format(Locale.ROOT, " · CIDEr-D %.2f",
                        evaluation.coco().get(d).images().get(shownIndex).ciderD());
                s.append("</div><div class=\"score\">").append(String.format(Locale.ROOT, "BLEU-1 %.2f%s · log p %.2f%s",
                        bleu / Math.max(1, cleanRefs.size()), cider, c.logProb(), c.ended() ? "" : " · length limit"))
                        .append("</div></td>");
            }
            s.append("<td><ul class=\"refs\">");
            for (int[] r : refs) {
                s.append("<li>").append(escape(vocab.decode(r, 0, r.length))).append("</li>");
            }
            s.append("</ul></td></tr>\n");
        }
        s.append("</table>\n");
    }

    /** Text for HTML content and double-quoted attributes. */
    public static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
