package captioner.cli;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.TrainingData;
import captioner.eval.BeamSearch;
import captioner.eval.Bleu;
import captioner.eval.CocoScoring;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.Greedy;
import captioner.eval.ModelFile;
import captioner.eval.SplitEvaluation;
import captioner.eval.TemperatureSampling;
import captioner.eval.metrics.CocoScores;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

import java.util.List;

/** The options sample, evaluate and report share, and the one way they caption a split on Spark. */
final class InferenceOptions {
    @Option(names = "--data", paramLabel = "DIR|TABLE",
            description = "A cs231n COCO directory or a caption table (local path or Hadoop URI); default: the embedded dataset.")
    String data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "val", description = "train or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--max-length", paramLabel = "L", defaultValue = "" + Decoder.DEFAULT_MAX_LENGTH,
            description = "Most words per caption, <END> included (default: ${DEFAULT-VALUE}, cs231n's).")
    int maxLength;

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of the split (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark.master if set, else local[*]).")
    String master;

    /** Checks what the flags alone decide, before Spark starts. */
    void check() {
        if (partitions != null && partitions < 1) {
            throw new BadInputException("--partitions is " + partitions + "; expected at least 1");
        }
        if (maxLength < 1) {
            throw new BadInputException("--max-length is " + maxLength + "; expected at least 1 word");
        }
    }

    /**
     * The decoder the flags choose, checked: beam search with {@code --beam-size}, sampling with
     * {@code --temperature}, else greedy.
     */
    Decoder decoder(Integer beamSize, Double temperature, long seed, double lengthPenalty) {
        return decoder(beamSize, temperature, seed, lengthPenalty, maxLength);
    }

    /** {@link #decoder(Integer, Double, long, double)} for commands without this mixin ({@code caption}). */
    static Decoder decoder(Integer beamSize, Double temperature, long seed, double lengthPenalty, int maxLength) {
        if (maxLength < 1) {
            throw new BadInputException("--max-length is " + maxLength + "; expected at least 1 word");
        }
        if (beamSize != null && temperature != null) {
            throw new BadInputException("--beam-size and --temperature choose different decoders; give one "
                    + "of them (neither: greedy)");
        }
        if (lengthPenalty != 0 && beamSize == null) {
            throw new BadInputException("--length-penalty applies to beam search only; give --beam-size too");
        }
        if (beamSize != null) {
            if (beamSize < 1) {
                throw new BadInputException("--beam-size is " + beamSize + "; expected at least 1 (1 is greedy)");
            }
            if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
                throw new BadInputException("--length-penalty is " + lengthPenalty + "; expected a number >= 0 "
                        + "(0: rank finished captions by log-probability, 1: by log-probability per token)");
            }
            return new BeamSearch(beamSize, lengthPenalty, maxLength);
        }
        if (temperature != null) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new BadInputException("--temperature is " + temperature + "; expected a positive number "
                        + "(1 samples from the model's own distribution)");
            }
            return new TemperatureSampling(temperature, seed, maxLength);
        }
        return new Greedy(maxLength);
    }

    /** How messages name the data. */
    static String dataName(String data) {
        return data == null ? "the embedded default dataset" : "--data " + data;
    }

    /**
     * Opens the data ({@code features}: the kind to use, null for the data's own), checks the model fits it, and
     * captions (and scores) the split with {@code decoders}; with {@code cocoScores} also the MS-COCO caption
     * metrics of their captions.
     */
    Evaluation evaluate(SparkSession spark, ModelFile model, String data, String features, List<Decoder> decoders,
                        Integer maxImages, boolean withLoss, Bleu.Smoothing smoothing, boolean cocoScores) {
        try (TrainingData d = TrainingData.open(spark, data, features == null ? null : FeatureKind.parse(features),
                null, 0)) {
            model.checkFits(d, dataName(data));
            if (!d.hasSplit(split)) {
                throw new BadInputException("--split " + split + ": " + d.source() + " has no '" + split + "' split; "
                        + "it has " + d.splitNames());
            }
            int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            SplitEvaluation.Result result = SplitEvaluation.run(spark, d, model,
                    new SplitEvaluation.Request(split, decoders, maxImages, withLoss), p);
            List<CocoScores> coco = cocoScores ? CocoScoring.run(spark, result, d.vocab(), p) : null;
            return new Evaluation(result, coco, model.path(), d.source(), smoothing);
        }
    }
}
