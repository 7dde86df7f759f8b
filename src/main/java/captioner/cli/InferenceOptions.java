package captioner.cli;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.TrainingData;
import captioner.eval.Bleu;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.ModelFile;
import captioner.eval.SplitEvaluation;
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
    }

    /** How messages name the data. */
    static String dataName(String data) {
        return data == null ? "the embedded default dataset" : "--data " + data;
    }

    /**
     * Opens the data ({@code features}: the kind to use, null for the data's own), checks the model fits it, and
     * captions (and scores) the split with {@code decoders}.
     */
    Evaluation evaluate(SparkSession spark, ModelFile model, String data, String features, List<Decoder> decoders,
                        Integer maxImages, boolean withLoss, Bleu.Smoothing smoothing) {
        try (TrainingData d = TrainingData.open(spark, data, features == null ? null : FeatureKind.parse(features),
                null, 0)) {
            model.checkFits(d, dataName(data));
            int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            SplitEvaluation.Result result = SplitEvaluation.run(spark, d, model,
                    new SplitEvaluation.Request(split, decoders, maxImages, withLoss), p);
            return new Evaluation(result, model.path(), d.source(),
                    smoothing);
        }
    }
}
