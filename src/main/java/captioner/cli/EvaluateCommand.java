package captioner.cli;

import captioner.BadInputException;
import captioner.eval.Bleu;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.ModelFile;
import captioner.eval.OutputFile;
import captioner.eval.RetrainingGate;
import captioner.eval.SampleLines;
import captioner.eval.classify.ClassificationMetrics;
import captioner.eval.classify.ClassifierReportPage;
import captioner.model.classify.ClassifierConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The loss, perplexity and BLEU figures of a trained model on a split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a trained model on a split: cs231n's loss, cross-entropy per token and perplexity, "
                + "cs231n's per-caption unigram BLEU, corpus BLEU-1..4 against all of each image's captions, and the "
                + "MS-COCO caption evaluation's BLEU-1..4, ROUGE-L and CIDEr-D.",
            "Captions are greedy (cs231n's sample) unless --beam-size. Without --max the whole split is evaluated."})
final class EvaluateCommand implements Callable<Integer> {
    private static final int SHOWN_SAMPLES = 3;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    InferenceOptions options;

    @Mixin
    EvaluationOptions evaluation;


    @Option(names = "--beam-size", paramLabel = "K", description = "Caption with beam search keeping K captions instead of greedily.")
    Integer beamSize;



    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as one JSON object, "
            + "atomically (with --baseline: metric, candidate, baseline, difference, passed).")
    String out;

    @Option(names = "--baseline", paramLabel = "CKPT",
            description = "Also evaluate this model on the same images; exit " + EXIT_WORSE + " when CKPT is worse "
                    + "than it on --metric (a retraining gate), 0 when at least as good.")
    String baseline;

    @Option(names = "--metric", paramLabel = "KEY",
            description = "The metric --baseline compares (default: " + RetrainingGate.DEFAULT_METRIC + "); loss, "
                    + "cross_entropy_per_token and perplexity are better lower, the others higher.")
    String metric;

    /**
     * Seed 004's classifier on a split of its sentences (--data, else the embedded ones; --split): CoLA's figures
     * beside the majority baseline, and --out as JSON.
     */
    private int evaluateClassifier(ModelFile model, ClassifierConfig config, Configuration conf) {
        if (baseline != null) {
            throw new BadInputException("--baseline and --metric compare captioning models; a classifier's evaluation "
                    + "has no gate yet");
        }
        OutputFile target = out == null ? null : OutputFile.of("--out", out, conf);
        ClassifierReportPage.Scored scored = SentenceInput.score(model, config, options.data, options.split,
                options.master, "evaluate");
        ClassificationMetrics m = scored.metrics();
        System.out.println("classifier " + config.summary() + ") on " + scored.split().name() + " of "
                + scored.data());
        System.out.print(m.summary());
        if (target != null) {
            try {
                target.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m.json()) + "\n");
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
            System.out.println("wrote " + target.shown());
        }
        return 0;
    }

    /** Exit status of a gate the new model did not pass. */
    static final int EXIT_WORSE = 3;

    @Override
    public Integer call() {
        options.check();
        Bleu.Smoothing smooth = evaluation.check();
        Decoder decoder = options.decoder(beamSize, null, 0, evaluation.lengthPenalty);
        Configuration conf = SparkSessions.hadoopConfiguration();
        OutputFile target = out == null ? null : OutputFile.of("--out", out, conf);
        if (metric != null && baseline == null) {
            throw new BadInputException("--metric goes with --baseline (the metric the two models are compared on)");
        }
        String gateMetric = metric == null ? RetrainingGate.DEFAULT_METRIC : metric;
        Flags.parse("--metric", gateMetric, m -> {
            RetrainingGate.checkMetric(m);
            return m;
        });
        ModelFile model = checkpoint.read(conf);
        if (model.checkpoint().model() instanceof ClassifierConfig classifier) {
            return evaluateClassifier(model, classifier, conf);
        }
        ModelFile base = baseline == null ? null : ModelFile.read("--baseline", baseline, conf);
        return SparkSessions.with(options.master, "captioner evaluate", spark -> {
            Evaluation e = options.evaluate(spark, model, options.data, null, List.of(decoder), evaluation.max, true, smooth, true);
            System.out.print(e.summary());
            System.out.println("first images:");
            e.result().images().stream().limit(SHOWN_SAMPLES).forEach(image -> System.out.printf("  %d: %s  (references: %s)%n",
                    image.imageIdx(), SampleLines.generated(image.captions()[0], model.checkpoint().vocab()),
                    String.join(" | ", SampleLines.references(image.imageIdx(), e.result().references(),
                            model.checkpoint().vocab()))));
            Object json = e.json(0);
            int status = 0;
            if (base != null) {
                Evaluation b = options.evaluate(spark, base, options.data, null, List.of(decoder), evaluation.max, true,
                        smooth, true);
                System.out.print(b.summary());
                RetrainingGate gate = new RetrainingGate(gateMetric, RetrainingGate.value(e.json(0), gateMetric),
                        RetrainingGate.value(b.json(0), gateMetric));
                System.out.println(gate.describe());
                json = gate.json(e.json(0), b.json(0));
                status = gate.passed() ? 0 : EXIT_WORSE;
            }
            if (target != null) {
                try {
                    target.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
                System.out.println("wrote " + target.shown());
            }
            return status;
        });
    }
}
