package captioner.cli;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.TrainingSubset;
import captioner.data.classify.ColaPrepare;
import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceTableWriter;
import captioner.data.raw.RawPrepare;
import captioner.data.raw.VocabularyBuilder;
import captioner.data.table.TableCommit;
import captioner.data.table.TableWriter;
import captioner.io.Location;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Converts a cs231n COCO directory, or caption text and a feature table ({@link RawPrepare}), into the Parquet caption
 * table.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Convert a cs231n COCO directory into the Parquet caption table that training reads,",
            "or caption text (COCO annotation JSON, or a Parquet/CSV/JSON-lines table of image id + caption) and",
            "image features keyed by image id (--train-captions, --train-features).",
            "With --task classify: the sentence table, from the seed's folder (--data) or CoLA's TSV (--train-tsv)."})
final class PrepareCommand implements Callable<Integer> {

    @Option(names = "--task", paramLabel = "TASK", description = {"caption (default) or classify: a sentence table "
            + "for seed 004's classifier, from --data (the seed's folder: word_to_ix.csv, train_inxs.npy, …) or "
            + "--train-tsv."})
    String task = Task.CAPTION.label();

    @Option(names = "--train-tsv", paramLabel = "FILE", description = {"With --task classify: CoLA's TSV of training "
            + "sentences (in_domain_train.tsv: source, label, original label, sentence; no header).",
            "Words: ASCII punctuation deleted, lower-cased, split at whitespace; <CLS> first, then the words, then "
                + "<PAD>."})
    String trainTsv;

    @Option(names = "--val-tsv", paramLabel = "FILE", description = "With --task classify: validation sentences, as "
            + "--train-tsv (e.g. in_domain_dev.tsv).")
    String valTsv;

    @Option(names = "--max-length", paramLabel = "T", description = "With --train-tsv: tokens per sentence, <CLS> "
            + "included; longer sentences are left out and counted (default: the longest sentence plus <CLS>).")
    Integer maxLength;

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
            description = "Keep only words seen at least N times in the training captions (default: 1; with --task "
                + "classify, in the training sentences, default " + ColaPrepare.DEFAULT_MIN_WORD_COUNT + ").")
    Integer minWordCount;

    @Option(names = "--strict",
            description = "Refuse captions without features, features without captions, duplicate ids, empty captions; "
                + "with --train-tsv, any line left out.")
    boolean strict;

    @Option(names = "--out", required = true, paramLabel = "TABLE",
            description = "Where to write the table: local path or Hadoop URI. Must not exist unless --overwrite.")
    String out;

    @Option(names = "--max-train", paramLabel = "N",
            description = "Keep only N training captions (sentences with --task classify), a seeded random subset "
                + "(default: all).")
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

    @Spec
    CommandSpec spec;

    /** Flags of caption tables only; given with --task classify, they would be ignored. */
    private static final List<String> CAPTION_ONLY = List.of("--train-captions", "--val-captions", "--train-features",
            "--val-features", "--id-col", "--features-col", "--caption-col", "--vocab", "--max-words", "--features");
    private static final List<String> CLASSIFY_ONLY = List.of("--train-tsv", "--val-tsv", "--max-length");
    /** Flags of the TSV prepare that the seed's files (already indexed) have no use for. */
    private static final List<String> TSV_ONLY = List.of("--val-tsv", "--max-length", "--min-word-count", "--strict");

    @Override
    public Integer call() {
        if (Flags.parse("--task", task, Task::parse) == Task.CLASSIFY) {
            return prepareSentences();
        }
        refuse(CLASSIFY_ONLY, "goes with --task classify");
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

    /** The sentence table from the seed's folder (or another sentence table) or from CoLA's TSV files. */
    private int prepareSentences() {
        refuse(CAPTION_ONLY, "is a caption table's setting but --task is classify; drop it");
        if ((data == null) == (trainTsv == null)) {
            throw new BadInputException("--task classify: expected either --data DIR (the seed's folder or a sentence "
                    + "table) or --train-tsv FILE (CoLA's TSV)");
        }
        if (data != null) {
            refuse(TSV_ONLY, "goes with --train-tsv (the seed's files are already indexed); drop it");
        }
        if (maxTrain != null && maxTrain < 1) {
            throw new BadInputException("--max-train is " + maxTrain + "; expected at least 1 training sentence");
        }
        int minCount = minWordCount == null ? ColaPrepare.DEFAULT_MIN_WORD_COUNT : minWordCount;
        if (minCount < 1) {
            throw new BadInputException("--min-word-count is " + minCount + "; expected at least 1");
        }
        if (maxLength != null && maxLength < ColaPrepare.MIN_LENGTH) {
            throw new BadInputException("--max-length is " + maxLength + "; expected at least "
                    + ColaPrepare.MIN_LENGTH + " (<CLS> and one word)");
        }
        TableCommit.checkTarget(Location.of(out, SparkSessions.hadoopConfiguration()), overwrite);
        String[] lines = SparkSessions.with(master, "captioner prepare", spark -> {
            SentenceTableWriter writer = new SentenceTableWriter(spark);
            if (data != null) {
                SentenceData d = Flags.parse("--data", data, uri -> SentenceData.open(uri, spark));
                return new String[] {"", writer.write(maxTrain == null ? d : subset(d, maxTrain, seed), null, Map.of(),
                        maxTrain, seed, out, overwrite).describe()};
            }
            ColaPrepare.Prepared p = ColaPrepare.read(new ColaPrepare.Options(trainTsv, valTsv, minCount, maxLength,
                    maxTrain, seed, strict), spark.sparkContext().hadoopConfiguration());
            return new String[] {p.describe(), writer.write(p.data(), p.special(), p.counts(), maxTrain, seed, out,
                    overwrite).describe()};
        });
        System.out.print(lines[0]);
        System.out.println(lines[1]);
        return 0;
    }

    /** {@code d} with a seeded subset of {@code maxTrain} training sentences ({@link TrainingSubset}). */
    private static SentenceData subset(SentenceData d, int maxTrain, long seed) {
        Map<String, captioner.data.classify.SentenceSplit> splits = new java.util.LinkedHashMap<>(d.splits());
        captioner.data.classify.SentenceSplit train = d.split(SentenceData.TRAIN);
        splits.put(SentenceData.TRAIN, train.subset(TrainingSubset.rows(train.size(), maxTrain, seed)));
        return new SentenceData(d.source(), d.words(), splits);
    }

    /** Refuses any of {@code flags} given on the command line: "--flag WHY". */
    private void refuse(List<String> flags, String why) {
        for (String flag : flags) {
            if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new BadInputException(flag + " " + why);
            }
        }
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
