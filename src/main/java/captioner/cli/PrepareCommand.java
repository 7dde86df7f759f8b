package captioner.cli;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.table.TableCommit;
import captioner.data.table.TableWriter;
import captioner.io.Location;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Converts a cs231n COCO directory into the Parquet caption table. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Convert a cs231n COCO directory into the Parquet caption table that training reads.")
final class PrepareCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The cs231n directory: local path or Hadoop URI (hdfs://..., file:///...).")
    String data;

    @Option(names = "--out", required = true, paramLabel = "TABLE",
            description = "Where to write the table: local path or Hadoop URI. Must not exist unless --overwrite.")
    String out;

    @Option(names = "--max-train", paramLabel = "N",
            description = "Keep only N training captions, a seeded random subset (default: all).")
    Integer maxTrain;

    @Option(names = "--features", paramLabel = "KIND", defaultValue = "pca",
            description = "pca (512 wide) or fc7 (4096 wide) (default: ${DEFAULT-VALUE}).")
    String features;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the --max-train subset (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--overwrite", description = "Replace an existing table at TABLE (swapped in when complete).")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark.master if set, else local[*]).")
    String master;

    @Override
    public Integer call() {
        if (maxTrain != null && maxTrain < 1) {
            throw new BadInputException("--max-train is " + maxTrain + "; expected at least 1 training caption");
        }
        FeatureKind kind;
        try {
            kind = FeatureKind.parse(features);
        } catch (BadInputException e) {
            throw new BadInputException("--features " + features + ": " + e.getMessage(), e);
        }
        // Refuse an existing table before starting Spark or reading anything.
        TableCommit.checkTarget(Location.of(out, SparkSessions.hadoopConfiguration()), overwrite);
        TableWriter.Summary summary = SparkSessions.with(master, "captioner prepare",
                spark -> new TableWriter(spark).prepare(data, out, kind, maxTrain, seed, overwrite));
        System.out.println(summary.describe());
        return 0;
    }
}
