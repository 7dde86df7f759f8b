package captioner.cli;

import captioner.eval.Bleu;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.ModelFile;
import captioner.eval.OutputFile;
import captioner.eval.SampleLines;
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



    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the figures as one JSON object, atomically.")
    String out;

    @Override
    public Integer call() {
        options.check();
        Bleu.Smoothing smooth = evaluation.check();
        Decoder decoder = options.decoder(beamSize, null, 0, evaluation.lengthPenalty);
        Configuration conf = SparkSessions.hadoopConfiguration();
        OutputFile target = out == null ? null : OutputFile.of("--out", out, conf);
        ModelFile model = checkpoint.read(conf);
        SparkSessions.with(options.master, "captioner evaluate", spark -> {
            Evaluation e = options.evaluate(spark, model, options.data, null, List.of(decoder), evaluation.max, true, smooth, true);
            System.out.print(e.summary());
            System.out.println("first images:");
            e.result().images().stream().limit(SHOWN_SAMPLES).forEach(image -> System.out.printf("  %d: %s  (references: %s)%n",
                    image.imageIdx(), SampleLines.generated(image.captions()[0], model.checkpoint().vocab()),
                    String.join(" | ", SampleLines.references(image.imageIdx(), e.result().references(),
                            model.checkpoint().vocab()))));
            if (target != null) {
                try {
                    target.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(e.json(0)) + "\n");
                } catch (JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
                System.out.println("wrote " + target.shown());
            }
            return null;
        });
        return 0;
    }
}
