package captioner.cli;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.raw.RawPrepare;
import captioner.data.raw.VocabularyBuilder;
import captioner.data.table.TableCommit;
import captioner.data.table.TableWriter;
import captioner.io.Location;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Converts a cs231n COCO directory, or caption text and a feature table ({@link RawPrepare}), into the Parquet caption
 * table.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Convert a cs231n COCO directory into the Parquet caption table that training reads,",
            "or caption text (COCO annotation JSON, or a Parquet/CSV/JSON-lines table of image id + caption) and",
            "image features keyed by image id (--train-captions, --train-features)."})
final class PrepareCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR",
            description = "The cs231n directory: local path or Hadoop URI (hdfs://..., file:///...).")
    String data;

    @Option(names = "--train-captions", paramLabel = "FILE",
            description = {"Training captions: COCO annotation JSON (*.json), or a table with --id-col and "
                + "--caption-col (*.csv with a header, *.jsonl, else Parquet).",
                "Words: lower-cased; ' and \u2019 deleted; any other character not a letter or digit is a space."})
    String trainCaptions;

    @Option(names = "--val-captions", paramLabel = "FILE", description = "Validation captions, as --train-captions.")
    String valCaptions;

    @Option(names = "--train-features", paramLabel = "PATH",
            description = "Parquet table of --id-col and --features-col (array<float>, array<double> or ML vector).")
    String trainFeatures;

    @Option(names = "--val-features", paramLabel = "PATH",
            description = "Features of the validation images (default: those in --train-features).")
    String valFeatures;

    @Mixin
    ImageTableColumns columns;

    @Option(names = "--caption-col", paramLabel = "C", defaultValue = "caption",
            description = "Caption column of a caption table (default: ${DEFAULT-VALUE}).")
    String captionCol;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "Reuse this vocabulary (cs231n JSON, e.g. a table's vocab.json); unknown words become <UNK>.")
    String vocab;

    @Option(names = "--max-words", paramLabel = "N",
            description = "Words in a built vocabulary besides <NULL> <START> <END> <UNK> (default: 1000).")
    Integer maxWords;

    @Option(names = "--min-word-count", paramLabel = "N",
            description = "Keep only words seen at least N times in the training captions (default: 1).")
    Integer minWordCount;

    @Option(names = "--strict",
            description = "Refuse captions without features, features without captions, duplicate ids, empty captions.")
    boolean strict;

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
        if ((data == null) == (trainCaptions == null)) {
            throw new BadInputException("expected either --data DIR (a cs231n directory) or --train-captions FILE with "
                    + "--train-features PATH");
        }
        if (trainCaptions != null) {
            return prepareRaw();
        }
        for (String[] flag : new String[][] {{"--train-features", trainFeatures}, {"--val-captions", valCaptions},
            {"--val-features", valFeatures}, {"--vocab", vocab}}) {
            if (flag[1] != null) {
                throw new BadInputException(flag[0] + " goes with --train-captions, not with --data");
            }
        }
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

    private int prepareRaw() {
        if (trainFeatures == null) {
            throw new BadInputException("--train-captions needs --train-features PATH (the images' features by id)");
        }
        if (valFeatures != null && valCaptions == null) {
            throw new BadInputException("--val-features goes with --val-captions");
        }
        if (maxTrain != null) {
            throw new BadInputException("--max-train goes with --data; with --train-captions give the captions to use");
        }
        if (vocab != null && (maxWords != null || minWordCount != null)) {
            throw new BadInputException("--vocab reuses a vocabulary; --max-words and --min-word-count build one");
        }
        int words = maxWords == null ? VocabularyBuilder.DEFAULT_MAX_WORDS : maxWords;
        int minCount = minWordCount == null ? VocabularyBuilder.DEFAULT_MIN_WORD_COUNT : minWordCount;
        if (words < 1) {
            throw new BadInputException("--max-words is " + words + "; expected at least 1");
        }
        if (minCount < 1) {
            throw new BadInputException("--min-word-count is " + minCount + "; expected at least 1");
        }
        // A caption table may be a Parquet folder; a COCO file is checked as a file when it is read.
        if (!Location.of(trainCaptions, SparkSessions.hadoopConfiguration()).exists()) {
            throw new BadInputException("--train-captions " + trainCaptions + ": no such file or folder");
        }
        if (vocab != null) {
            FlagFiles.existing("--vocab", vocab);
        }
        TableCommit.checkTarget(Location.of(out, SparkSessions.hadoopConfiguration()), overwrite);
        RawPrepare.Sources sources = new RawPrepare.Sources(trainCaptions, valCaptions, trainFeatures, valFeatures,
                columns.idCol, captionCol, columns.featuresCol, vocab, words, minCount, strict);
        String[] lines = SparkSessions.with(master, "captioner prepare", spark -> {
            RawPrepare.Prepared prepared = RawPrepare.read(spark, sources);
            TableWriter.Summary summary = new TableWriter(spark).write(prepared.data(), out, overwrite,
                    prepared.counts());
            return new String[] {prepared.describe(), summary.describe()};
        });
        System.out.print(lines[0]);
        System.out.println(lines[1]);
        return 0;
    }
}
