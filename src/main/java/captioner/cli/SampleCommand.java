package captioner.cli;

import captioner.BadInputException;
import captioner.eval.Bleu;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.ModelFile;
import captioner.eval.OutputFile;
import captioner.eval.SampleLines;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** Captions images of a split with a trained model: greedy (cs231n's sample), beam search or temperature sampling. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Caption images with a trained model; writes JSON lines, one per image: image_idx, url (when "
                + "known), generated, log_prob (summed over the words, <END> included when emitted) and references; "
                + "with --score also the image's coco_bleu_1..4, rouge_l and cider_d.",
            "Greedy by default (cs231n's sample); --beam-size K for beam search, --temperature T for sampling.",
            "The lines are the input of the official MS-COCO scorers' driver score.py (see README, Metrics)."})
final class SampleCommand implements Callable<Integer> {
    static final int DEFAULT_COUNT = 10;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    InferenceOptions options;

    @Option(names = "--count", paramLabel = "N", description = "Caption the first N images of the split (default: " + DEFAULT_COUNT + ").")
    Integer count;

    @Option(names = "--all", description = "Caption every image of the split.")
    boolean all;

    @Option(names = "--beam-size", paramLabel = "K", description = "Beam search keeping K captions (1 gives the greedy caption).")
    Integer beamSize;

    @Option(names = "--length-penalty", paramLabel = "A", defaultValue = "0",
            description = "Beam search ranks finished captions by log-probability / tokens^A (default: ${DEFAULT-VALUE}: by log-probability).")
    double lengthPenalty;

    @Option(names = "--temperature", paramLabel = "T", description = "Sample each word from softmax(scores / T).")
    Double temperature;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of --temperature sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--score", description = "Add each image's MS-COCO caption metrics: coco_bleu_1..4 (sentence "
            + "level), rouge_l and cider_d (CIDEr-D's document frequencies over the images sampled).")
    boolean score;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON lines here, atomically (default: standard output).")
    String out;

    @Override
    public Integer call() {
        // Everything the flags and files alone decide is checked before Spark starts.
        options.check();
        if (all && count != null) {
            throw new BadInputException("--all and --count both choose the images; give one of them");
        }
        if (count != null && count < 1) {
            throw new BadInputException("--count is " + count + "; expected at least 1 image");
        }
        Decoder decoder = options.decoder(beamSize, temperature, seed, lengthPenalty);
        Configuration conf = SparkSessions.hadoopConfiguration();
        OutputFile target = out == null ? null : OutputFile.of("--out", out, conf);
        ModelFile model = checkpoint.read(conf);
        Integer images = all ? null : count == null ? DEFAULT_COUNT : count;
        SparkSessions.with(options.master, "captioner sample", spark -> {
            Evaluation e = options.evaluate(spark, model, options.data, null, List.of(decoder), images, false,
                    Bleu.Smoothing.NONE, score);
            String lines = SampleLines.of(e.result(), 0, model.checkpoint().vocab(), score ? e.coco().get(0) : null);
            if (target == null) {
                System.out.print(lines);
                System.out.flush();
            } else {
                target.write(lines);
                System.err.printf("wrote %d captions (%s) of the %s split to %s%n", e.result().numImages(),
                        decoder.label(), options.split, target.shown());
            }
            return null;
        });
        return 0;
    }
}
