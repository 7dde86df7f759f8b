package captioner.cli;

import captioner.BadInputException;
import captioner.data.raw.Tables;
import captioner.eval.CaptionOutput;
import captioner.eval.Decoder;
import captioner.eval.ImageCaptioning;
import captioner.eval.ModelFile;
import captioner.io.Location;
import captioner.train.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** Captions every row of a table of new images (id + features) with a trained model, on Spark. */
@Command(name = "caption", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Caption every image of a table (an id and features, e.g. images that arrived today) with a "
                + "trained model, on Spark; writes the id, caption and log_prob as Parquet, or JSON lines when OUT "
                + "ends in .jsonl or .json.",
            "Rows with a null id or features, another feature width, NaN or infinite values are an error (exit 2) "
                + "naming the first; with --skip-invalid they go to --rejected instead."})
final class CaptionCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model file written by train (OUT/" + RunLayout.MODEL + " or a checkpoint).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "The images: Parquet (file or folder), JSON lines (*.jsonl, *.json) or CSV; any Hadoop URI.")
    String input;

    @Mixin
    ImageTableColumns columns;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Where to write the captions, atomically. Must not exist unless --overwrite.")
    String out;

    @Option(names = "--beam-size", paramLabel = "K", description = "Beam search keeping K captions (default: greedy).")
    Integer beamSize;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sample each word from softmax(scores / T), seeded per image by its id.")
    Double temperature;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of --temperature sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-length", paramLabel = "L", defaultValue = "" + Decoder.DEFAULT_MAX_LENGTH,
            description = "Most words per caption, <END> included (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--skip-invalid", description = "Caption the valid rows and write every invalid one to --rejected.")
    boolean skipInvalid;

    @Option(names = "--rejected", paramLabel = "FILE",
            description = "With --skip-invalid: JSON lines {id, reason, row} (default: OUT.rejected.jsonl).")
    String rejected;

    @Option(names = "--overwrite", description = "Replace an existing OUT.")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark.master if set, else local[*]).")
    String master;

    @Override
    public Integer call() {
        Decoder decoder = InferenceOptions.decoder(beamSize, temperature, seed, 0, maxLength);
        if (rejected != null && !skipInvalid) {
            throw new BadInputException("--rejected goes with --skip-invalid (without it a bad row is an error)");
        }
        Configuration conf = SparkSessions.hadoopConfiguration();
        Location target = Location.of(out, conf);
        if (target.exists() && !overwrite) {
            throw new BadInputException("--out " + out + ": already exists; expected a new path, or --overwrite");
        }
        Location rejectedFile = skipInvalid ? Location.of(rejected != null ? rejected : out + ".rejected.jsonl", conf)
                : null;
        if (rejectedFile != null && rejectedFile.isDirectory()) {
            throw new BadInputException("--rejected " + rejectedFile + ": is a directory; expected a file name to write");
        }
        ModelFile m = ModelFile.read("--model", model, conf);
        String line = SparkSessions.with(master, "captioner caption", spark -> {
            Location in = Location.of(input, spark.sparkContext().hadoopConfiguration());
            Dataset<Row> table = Flags.parse("--input", input, x -> Tables.read(spark, in));
            ImageCaptioning.Result result = ImageCaptioning.run(spark, table, columns.idCol, columns.featuresCol,
                    m.config(), m.checkpoint().params(), m.checkpoint().vocab(), decoder, "--input " + input);
            try {
                long total = result.all().count();
                List<Row> bad = result.rejected().limit(1).collectAsList();
                long badCount = bad.isEmpty() ? 0 : result.rejected().count();
                if (!bad.isEmpty() && !skipInvalid) {
                    Row first = bad.get(0);
                    throw new BadInputException("--input " + input + ": row " + first.getLong(2) + " (id "
                            + first.get(0) + "): " + first.getString(1) + "; " + badCount + " bad row"
                            + (badCount == 1 ? "" : "s") + " in all; expected valid rows for a model of feature width "
                            + m.config().inputDim() + ", or --skip-invalid");
                }
                CaptionOutput.writeCaptions(result, target);
                String s = "captioned " + (total - badCount) + " images (" + decoder.label() + ") to " + target;
                if (rejectedFile != null) {
                    CaptionOutput.writeRejected(result, rejectedFile);
                    s += "; " + badCount + " invalid row" + (badCount == 1 ? "" : "s") + " to " + rejectedFile;
                }
                return s;
            } finally {
                result.release();
            }
        });
        System.out.println(line);
        return 0;
    }
}
