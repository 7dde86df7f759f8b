package captioner.cli;

import captioner.data.FeatureKind;
import captioner.data.CaptionShard;
import captioner.data.TrainingData;
import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceShards;
import captioner.BadInputException;
import captioner.model.CellType;
import captioner.model.TransformerConfig;
import captioner.model.classify.ClassifierConfig;
import captioner.nn.Activation;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import captioner.train.RunLock;
import captioner.train.RunSettings;
import captioner.train.TrainConfig;
import captioner.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The main job: synchronous data-parallel training on Spark. Each option is a {@link TrainConfig} setting
 * of the same name: the flag is {@code --} and the setting's name in kebab case, the properties key
 * ({@code conf/captioner.properties}) the flag without dashes. TrainConfig's validation names settings by
 * these flags:
 * <pre>
 * data       --data              fullBatch       --full-batch        out              --out
 * features   --features          maxTrain        --max-train         checkpointEvery  --checkpoint-every
 * cell       --cell              partitions      --partitions        keepCheckpoints  --keep-checkpoints
 * hidden     --hidden            master          --master            resume           --resume
 * wordvec    --wordvec           seed            --seed              init             --init
 * updateRule --update-rule       dtype           --dtype             printEvery       --print-every
 * learningRate --learning-rate   clipNorm        --clip-norm         treeDepth        --tree-depth
 * lrDecay    --lr-decay          batchSize       --batch-size
 * epochs     --epochs            iterations      --iterations
 * heads      --heads             layers          --layers            ffn              --ffn
 * activation --activation        dropout         --dropout           maxLength        --max-length
 * dimK       --dim-k             dimV            --dim-v
 * </pre>
 * {@code --task classify} is not a setting: it stands for {@code cell = classifier} (run.json's cell), and then
 * wordvec, heads, ffn, maxLength, dimK and dimV size the classifier.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a captioning model on Spark (the embedded default dataset without --data).",
            "Options may also come from conf/captioner.properties (key = option name without dashes); flags win."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR|TABLE",
            description = "A cs231n COCO directory or a caption table (local path or Hadoop URI); default: the embedded dataset.")
    String data;

    @Option(names = "--task", paramLabel = "TASK", description = {"caption (default) or classify: seed 004's sentence "
            + "classifier, --data naming the seed's folder (word_to_ix.csv, train_inxs.npy, train_labels.npy, …) or a "
            + "sentence table (prepare --task classify), without it the embedded synthetic sentences; --wordvec, "
            + "--heads, --ffn, --max-length, --dim-k and --dim-v then size it (defaults: the seed's 128, 2, 2048, the "
            + "data's sentence length, 96 and 96)."})
    String task = Task.CAPTION.label();

    @Option(names = "--features", paramLabel = "KIND",
            description = "pca or fc7 (default: the table's kind; pca for a cs231n directory).")
    String features;

    @Option(names = "--cell", paramLabel = "CELL", description = "rnn, lstm or transformer (default: ${DEFAULT-VALUE}).")
    String cell = TrainConfig.DEFAULT_CELL.label();

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden state width, rnn and lstm (default: ${DEFAULT-VALUE}).")
    int hidden = TrainConfig.DEFAULT_HIDDEN;

    @Option(names = "--wordvec", paramLabel = "W", description = "Word vector width; the transformer's model width (default: ${DEFAULT-VALUE}).")
    int wordvec = TrainConfig.DEFAULT_WORDVEC;

    @Option(names = "--update-rule", paramLabel = "RULE",
            description = "sgd, sgd_momentum, rmsprop or adam (default: ${DEFAULT-VALUE}).")
    String updateRule = TrainConfig.DEFAULT_UPDATE_RULE.label();

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = TrainConfig.DEFAULT_LEARNING_RATE;

    @Option(names = "--lr-decay", paramLabel = "F", description = "Learning rate factor at each epoch end (default: ${DEFAULT-VALUE}).")
    double lrDecay = TrainConfig.DEFAULT_LR_DECAY;

    @Option(names = "--batch-size", paramLabel = "N", description = "Captions per iteration (default: ${DEFAULT-VALUE}).")
    int batchSize = TrainConfig.DEFAULT_BATCH_SIZE;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs to train (default: " + TrainConfig.DEFAULT_EPOCHS
            + " unless --iterations).")
    Integer epochs;

    @Option(names = "--iterations", paramLabel = "K", description = "Iterations to train, instead of --epochs.")
    Integer iterations;

    @Option(names = "--full-batch", description = "Every training caption once per iteration, in table order.")
    boolean fullBatch;

    @Option(names = "--max-train", paramLabel = "N", description = "Keep a seeded random subset of N training captions.")
    Integer maxTrain;

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of the caption table (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark.master if set, else local[*]).")
    String master;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation, subsets and minibatches (default: ${DEFAULT-VALUE}).")
    long seed = TrainConfig.DEFAULT_SEED;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    String dtype = TrainConfig.DEFAULT_DTYPE.label();

    @Option(names = "--clip-norm", paramLabel = "X", description = "Rescale gradients whose global L2 norm exceeds X.")
    Double clipNorm;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, local path or Hadoop URI (default: ${DEFAULT-VALUE}).")
    String out = TrainConfig.DEFAULT_OUT;

    @Option(names = "--checkpoint-every", paramLabel = "K", description = "Checkpoint every K iterations (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = TrainConfig.DEFAULT_CHECKPOINT_EVERY;

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "Keep the newest N checkpoints (default: ${DEFAULT-VALUE}).")
    int keepCheckpoints = TrainConfig.DEFAULT_KEEP_CHECKPOINTS;

    @Option(names = "--resume", description = {"Continue the run in --out from its newest valid checkpoint, with the "
            + "settings in its run.json; flags given must agree with them, except --iterations/--epochs, which may "
            + "extend it."})
    boolean resume;

    @Option(names = "--init", paramLabel = "CKPT", description = "Warm-start from the /params of this HDF5 file (cell and sizes from its shapes).")
    String init;

    @Option(names = "--print-every", paramLabel = "N", description = "Progress line every N iterations (default: ${DEFAULT-VALUE}).")
    int printEvery = TrainConfig.DEFAULT_PRINT_EVERY;

    @Option(names = "--tree-depth", paramLabel = "D", description = "Depth of the gradient reduction tree (default: ${DEFAULT-VALUE}).")
    int treeDepth = TrainConfig.DEFAULT_TREE_DEPTH;

    @Option(names = "--heads", paramLabel = "H", description = "Transformer attention heads, dividing --wordvec (default: "
            + TransformerConfig.DEFAULT_HEADS + ", or the --init file's own).")
    Integer heads;

    @Option(names = "--layers", paramLabel = "L", description = "Transformer decoder layers (default: ${DEFAULT-VALUE}).")
    int layers = TrainConfig.DEFAULT_LAYERS;

    @Option(names = "--ffn", paramLabel = "F", description = "Transformer feed-forward width (default: ${DEFAULT-VALUE}).")
    int ffn = TrainConfig.DEFAULT_FFN;

    @Option(names = "--activation", paramLabel = "ACT", description = "Transformer feed-forward activation, gelu or relu (default: ${DEFAULT-VALUE}).")
    String activation = TrainConfig.DEFAULT_ACTIVATION.label();

    @Option(names = "--dropout", paramLabel = "P", description = "Transformer dropout probability in training (default: ${DEFAULT-VALUE}).")
    double dropout = TrainConfig.DEFAULT_DROPOUT;

    @Option(names = "--max-length", paramLabel = "T", description = "Transformer positions: the longest caption it takes, minus one (default: ${DEFAULT-VALUE}).")
    int maxLength = TrainConfig.DEFAULT_MAX_LENGTH;

    @Option(names = "--dim-k", paramLabel = "K", description = "Classifier query/key width per head (default: "
            + "${DEFAULT-VALUE}, the seed's; with --init the file's own).")
    int dimK = TrainConfig.DEFAULT_DIM_K;

    @Option(names = "--dim-v", paramLabel = "V", description = "Classifier value width per head (default: "
            + "${DEFAULT-VALUE}, the seed's; with --init the file's own).")
    int dimV = TrainConfig.DEFAULT_DIM_V;

    @Spec
    CommandSpec spec;

    /** Flags that only one family has: given for the other, they would be silently ignored. */
    private static final java.util.List<String> RECURRENT_ONLY = java.util.List.of("--hidden");
    private static final java.util.List<String> TRANSFORMER_ONLY = java.util.List.of("--heads", "--layers", "--ffn",
            "--activation", "--dropout", "--max-length");
    /** Captioning settings the classifier has no use for. */
    private static final java.util.List<String> CAPTION_ONLY = java.util.List.of("--cell", "--features", "--hidden",
            "--layers", "--activation", "--dropout", "--max-train");
    /** Classifier settings the captioning models have no use for. */
    private static final java.util.List<String> CLASSIFY_ONLY = java.util.List.of("--dim-k", "--dim-v");

    @Override
    public Integer call() {
        boolean classify = Flags.parse("--task", task, Task::parse) == Task.CLASSIFY;
        if (classify) {
            refuse(CAPTION_ONLY, "a captioning setting but --task is classify");
        } else {
            if (!resume) { // a resumed run's cell decides; run.json's settings check the flags
                refuse(CLASSIFY_ONLY, "a classifier setting but --task is caption");
            }
            checkFamilyFlags();
        }
        // Everything the flags alone decide is checked before Spark starts; partitions and master wait for it
        // (a resumed run's partitions are its own).
        TrainConfig given = flags(classify).partitions(partitions == null ? 1 : partitions)
                .master(master == null ? SparkSessions.DEFAULT_MASTER : master).build();
        Configuration conf = SparkSessions.hadoopConfiguration();
        Optional<TrainConfig> run = resume ? RunSettings.stored(out, conf) : Optional.empty();
        TrainConfig checked = run.map(r -> ResumeFlags.resume(r, given, ResumeFlags.typed(spec), out).toBuilder()
                .out(out).master(given.master()).build()).orElse(given);
        boolean partitionsKnown = partitions != null || run.isPresent();
        Trainer.checkOutput(checked, conf, partitionsKnown);
        if (checked.init() != null) {
            FlagFiles.existing("--init", checked.init());
        }
        RunLock lock = RunLock.acquire(out, conf, resume, System.out);
        try {
            SparkSessions.with(master, "captioner train", spark -> train(spark, checked, partitionsKnown));
        } finally {
            lock.close();
        }
        return 0;
    }

    private Trainer.Result train(SparkSession spark, TrainConfig checked, boolean partitionsKnown) {
        TrainConfig config = checked.toBuilder()
                .partitions(partitionsKnown ? checked.partitions() : spark.sparkContext().defaultParallelism())
                .master(spark.sparkContext().master()).build();
        if (config.cell() == CellType.CLASSIFIER) {
            return trainClassifier(spark, config);
        }
        try (TrainingData data = TrainingData.open(spark, config.data(), config.features(), config.maxTrain(),
                config.seed())) {
            System.out.println("data: " + data.source());
            Trainer.Input input = new Trainer.Input(data.vocab(), data.shards("train", config.partitions()),
                    data.featureDim(), data.captionLength());
            return new Trainer(spark, config, input, System.out).run();
        }
    }

    /**
     * Seed 004's classifier on the seed's files: the same loop, its shards' rows labelled sentences. The model's
     * positions are the data's sentence length unless --max-length says more; run.json records them.
     */
    private Trainer.Result trainClassifier(SparkSession spark, TrainConfig given) {
        SentenceData data = SentenceInput.open(given.data(), spark);
        System.out.println("data: " + data.source());
        boolean lengthGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--max-length");
        TrainConfig config = given.resume() || lengthGiven ? given
                : given.toBuilder().maxLength(data.length()).build();
        ClassifierConfig model = new ClassifierConfig(data.vocabSize(), config.wordvec(), config.headsOrDefault(),
                config.ffn(), config.dimK(), config.dimV(), config.maxLength());
        JavaRDD<CaptionShard> shards = SentenceShards.of(spark, data.split(SentenceData.TRAIN), config.partitions());
        try {
            Trainer.Input input = new Trainer.Input(data.vocabulary(), shards, ClassifierConfig.FEATURE_WIDTH,
                    data.length() + 1, model);
            return new Trainer(spark, config, input, System.out).run();
        } finally {
            shards.unpersist(false);
        }
    }

    /** Refuses any of {@code flags} given on the command line: "--flag is WHY; drop it". */
    private void refuse(java.util.List<String> flags, String why) {
        for (String flag : flags) {
            if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new BadInputException(flag + " is " + why + "; drop it");
            }
        }
    }

    /** Refuses a flag of the other model family, naming it and the family it belongs to. */
    private void checkFamilyFlags() {
        CellType c = Flags.parse("--cell", cell, CellType::parse);
        java.util.List<String> foreign = c == CellType.TRANSFORMER ? RECURRENT_ONLY : TRANSFORMER_ONLY;
        for (String flag : foreign) {
            if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new BadInputException(flag + " is " + (c == CellType.TRANSFORMER ? "an rnn/lstm" : "a transformer")
                        + " setting but --cell is " + c.label() + "; drop it or choose another --cell");
            }
        }
    }

    /** The settings the flags give; partitions and master wait for Spark. The classifier has the seed's sizes. */
    private TrainConfig.Builder flags(boolean classify) {
        TrainConfig.Builder b = captioningFlags();
        if (!classify) {
            return b;
        }
        java.util.function.Predicate<String> given = flag -> spec != null
                && spec.commandLine().getParseResult().hasMatchedOption(flag);
        return b.cell(CellType.CLASSIFIER).wordvec(given.test("--wordvec") ? wordvec : ClassifierConfig.DEFAULT_HIDDEN)
                .heads(heads == null ? ClassifierConfig.DEFAULT_HEADS : heads).dropout(0.0);
    }

    private TrainConfig.Builder captioningFlags() {
        return TrainConfig.builder().data(data).features(Flags.parseOrNull("--features", features, FeatureKind::parse))
                .cell(Flags.parse("--cell", cell, CellType::parse)).hidden(hidden).wordvec(wordvec)
                .updateRule(Flags.parse("--update-rule", updateRule, UpdateRuleType::parse)).learningRate(learningRate)
                .lrDecay(lrDecay).batchSize(batchSize).epochs(epochs).iterations(iterations).fullBatch(fullBatch)
                .maxTrain(maxTrain).seed(seed).dtype(Flags.parse("--dtype", dtype, DType::parse)).clipNorm(clipNorm)
                .out(out).checkpointEvery(checkpointEvery).keepCheckpoints(keepCheckpoints).resume(resume).init(init)
                .printEvery(printEvery).treeDepth(treeDepth).heads(heads).layers(layers).ffn(ffn)
                .activation(Flags.parse("--activation", activation, Activation.Kind::parse)).dropout(dropout)
                .maxLength(maxLength).dimK(dimK).dimV(dimV);
    }
}
