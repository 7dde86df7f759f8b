package captioner.train;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.model.CellType;
import captioner.model.TransformerConfig;
import captioner.model.classify.ClassifierConfig;
import captioner.nn.Activation;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;

/**
 * Everything that defines a training run, validated in one place: the compact constructor. Each
 * default is defined once, by the constants below (cs231n's solver and model settings); the
 * {@link Builder} starts from them, and the command line and {@code conf/captioner.properties}
 * override them. The settings are {@code train}'s options: each is named in messages by its flag,
 * {@code --} and the setting's name in kebab case ({@code maxTrain} is {@code --max-train}), the
 * mapping {@code cli.TrainCommand} lists. run.json holds this record under the keys of
 * {@link RunLayout.Run}.
 *
 * @param data          a cs231n directory or caption table; null for the embedded default dataset
 * @param features      the image features to use; null for the table's kind (pca for a cs231n directory)
 * @param epochs        epochs to run; null when {@code iterations} is given instead (then {@value #DEFAULT_EPOCHS})
 * @param iterations    iterations to run; null when {@code epochs} is given
 * @param maxTrain      keep a seeded random subset of this many training captions; null for all
 * @param clipNorm      rescale the gradient to this global L2 norm when it is larger; null for none
 * @param init          warm-start parameters from this file's {@code /params}; null for cs231n's initialisation
 * @param treeDepth     depth of the gradient reduction tree (1 sums every partition's gradient on the driver)
 * @param heads         the transformer's attention heads; null for {@value TransformerConfig#DEFAULT_HEADS}, or the
 *                      {@code --init} file's own when it records them
 * @param layers        the transformer's decoder layers; {@code ffn}, {@code activation}, {@code dropout} and
 *                      {@code maxLength} are its other settings ({@link TransformerConfig}); null (a run.json
 *                      written before they existed) stands for the default
 * @param dimK          the classifier's query/key width per head, and {@code dimV} its value width; null (a run.json
 *                      written before they existed) stands for the seed's 96
 */
public record TrainConfig(@JsonProperty(RunLayout.Run.DATA) String data,
                          @JsonProperty(RunLayout.Run.FEATURES) FeatureKind features,
                          @JsonProperty(RunLayout.Run.CELL) CellType cell,
                          @JsonProperty(RunLayout.Run.HIDDEN) int hidden,
                          @JsonProperty(RunLayout.Run.WORDVEC) int wordvec,
                          @JsonProperty(RunLayout.Run.UPDATE_RULE) UpdateRuleType updateRule,
                          @JsonProperty(RunLayout.Run.LEARNING_RATE) double learningRate,
                          @JsonProperty(RunLayout.Run.LR_DECAY) double lrDecay,
                          @JsonProperty(RunLayout.Run.BATCH_SIZE) int batchSize,
                          @JsonProperty(RunLayout.Run.EPOCHS) Integer epochs,
                          @JsonProperty(RunLayout.Run.ITERATIONS) Integer iterations,
                          @JsonProperty(RunLayout.Run.FULL_BATCH) boolean fullBatch,
                          @JsonProperty(RunLayout.Run.MAX_TRAIN) Integer maxTrain,
                          @JsonProperty(RunLayout.Run.PARTITIONS) int partitions,
                          @JsonProperty(RunLayout.Run.MASTER) String master,
                          @JsonProperty(RunLayout.Run.SEED) long seed,
                          @JsonProperty(RunLayout.Run.DTYPE) DType dtype,
                          @JsonProperty(RunLayout.Run.CLIP_NORM) Double clipNorm,
                          @JsonProperty(RunLayout.Run.OUT) String out,
                          @JsonProperty(RunLayout.Run.CHECKPOINT_EVERY) int checkpointEvery,
                          @JsonProperty(RunLayout.Run.KEEP_CHECKPOINTS) int keepCheckpoints,
                          @JsonProperty(RunLayout.Run.RESUME) boolean resume,
                          @JsonProperty(RunLayout.Run.INIT) String init,
                          @JsonProperty(RunLayout.Run.PRINT_EVERY) int printEvery,
                          @JsonProperty(RunLayout.Run.TREE_DEPTH) int treeDepth,
                          @JsonProperty(RunLayout.Run.HEADS) Integer heads,
                          @JsonProperty(RunLayout.Run.LAYERS) Integer layers,
                          @JsonProperty(RunLayout.Run.FFN) Integer ffn,
                          @JsonProperty(RunLayout.Run.ACTIVATION) Activation.Kind activation,
                          @JsonProperty(RunLayout.Run.DROPOUT) Double dropout,
                          @JsonProperty(RunLayout.Run.MAX_LENGTH) Integer maxLength,
                          @JsonProperty(RunLayout.Run.DIM_K) Integer dimK,
                          @JsonProperty(RunLayout.Run.DIM_V) Integer dimV) implements Serializable {

    public static final CellType DEFAULT_CELL = CellType.LSTM;
    public static final int DEFAULT_HIDDEN = 512;
    public static final int DEFAULT_WORDVEC = 256;
    public static final UpdateRuleType DEFAULT_UPDATE_RULE = UpdateRuleType.ADAM;
    public static final double DEFAULT_LEARNING_RATE = 5e-3;
    public static final double DEFAULT_LR_DECAY = 0.95;
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int DEFAULT_EPOCHS = 10;
    public static final long DEFAULT_SEED = 231;
    public static final DType DEFAULT_DTYPE = DType.FLOAT32;
    public static final String DEFAULT_OUT = "runs/latest";
    public static final int DEFAULT_CHECKPOINT_EVERY = 100;
    public static final int DEFAULT_KEEP_CHECKPOINTS = 3;
    public static final int DEFAULT_PRINT_EVERY = 10;
    public static final int DEFAULT_TREE_DEPTH = 2;
    public static final int DEFAULT_LAYERS = TransformerConfig.DEFAULT_LAYERS;
    public static final int DEFAULT_FFN = TransformerConfig.DEFAULT_FFN;
    public static final Activation.Kind DEFAULT_ACTIVATION = TransformerConfig.DEFAULT_ACTIVATION;
    public static final double DEFAULT_DROPOUT = TransformerConfig.DEFAULT_DROPOUT;
    public static final int DEFAULT_MAX_LENGTH = TransformerConfig.DEFAULT_MAX_LENGTH;
    public static final int DEFAULT_DIM_K = ClassifierConfig.DEFAULT_DIM_K;
    public static final int DEFAULT_DIM_V = ClassifierConfig.DEFAULT_DIM_V;

    public TrainConfig {
        required("--cell", cell, "rnn, lstm or transformer");
        positive("--hidden", hidden);
        positive("--wordvec", wordvec);
        required("--update-rule", updateRule, UpdateRuleType.choices());
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw bad("--learning-rate", learningRate, "a positive number");
        }
        if (!(lrDecay > 0 && lrDecay <= 1)) {
            throw bad("--lr-decay", lrDecay, "a number in (0, 1]");
        }
        positive("--batch-size", batchSize);
        if (epochs != null && iterations != null) {
            throw new BadInputException("--epochs and --iterations: give one, not both");
        }
        if (epochs != null) {
            positive("--epochs", epochs);
        }
        if (iterations != null) {
            positive("--iterations", iterations);
        }
        if (maxTrain != null) {
            positive("--max-train", maxTrain);
        }
        positive("--partitions", partitions);
        if (master == null || master.isBlank()) {
            throw bad("--master", master, "a Spark master URL such as local[*]");
        }
        required("--dtype", dtype, "float32 or float64");
        if (clipNorm != null && !(clipNorm > 0 && Double.isFinite(clipNorm))) {
            throw bad("--clip-norm", clipNorm, "a positive number");
        }
        if (out == null || out.isBlank()) {
            throw bad("--out", out, "a directory (local path or Hadoop URI)");
        }
        positive("--checkpoint-every", checkpointEvery);
        positive("--keep-checkpoints", keepCheckpoints);
        positive("--print-every", printEvery);
        positive("--tree-depth", treeDepth);
        // run.json files written before the transformer lack these keys: they mean the defaults.
        layers = layers == null ? DEFAULT_LAYERS : layers;
        ffn = ffn == null ? DEFAULT_FFN : ffn;
        activation = activation == null ? DEFAULT_ACTIVATION : activation;
        dropout = dropout == null ? DEFAULT_DROPOUT : dropout;
        maxLength = maxLength == null ? DEFAULT_MAX_LENGTH : maxLength;
        dimK = dimK == null ? DEFAULT_DIM_K : dimK;
        dimV = dimV == null ? DEFAULT_DIM_V : dimV;
        if (heads != null) {
            positive("--heads", heads);
        }
        positive("--layers", layers);
        positive("--ffn", ffn);
        if (!(dropout >= 0 && dropout < 1)) {
            throw bad("--dropout", dropout, "a probability in [0, 1)");
        }
        positive("--max-length", maxLength);
        positive("--dim-k", dimK);
        positive("--dim-v", dimV);
        if (cell == CellType.TRANSFORMER) {
            // The fields are not assigned yet in a compact constructor: read the parameter.
            int h = heads == null ? TransformerConfig.DEFAULT_HEADS : heads;
            if (wordvec % h != 0) {
                throw new BadInputException("--heads " + h + " does not divide --wordvec " + wordvec
                        + "; expected a width that is a multiple of the heads (each head takes W/heads)");
            }
            if (wordvec % 2 != 0) {
                throw bad("--wordvec", wordvec, "an even width for the transformer (its positional encoding pairs "
                        + "sines and cosines)");
            }
        }
    }

    /** --heads, or the transformer's default. */
    public int headsOrDefault() {
        return heads == null ? TransformerConfig.DEFAULT_HEADS : heads;
    }

    /** A builder at the defaults; {@code partitions}, {@code master} and {@code out} have none that fits every use. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's settings, to change a few. */
    public Builder toBuilder() {
        return new Builder().data(data).features(features).cell(cell).hidden(hidden).wordvec(wordvec)
                .updateRule(updateRule).learningRate(learningRate).lrDecay(lrDecay).batchSize(batchSize).epochs(epochs)
                .iterations(iterations).fullBatch(fullBatch).maxTrain(maxTrain).partitions(partitions).master(master)
                .seed(seed).dtype(dtype).clipNorm(clipNorm).out(out).checkpointEvery(checkpointEvery)
                .keepCheckpoints(keepCheckpoints).resume(resume).init(init).printEvery(printEvery).treeDepth(treeDepth)
                .heads(heads).layers(layers).ffn(ffn).activation(activation).dropout(dropout).maxLength(maxLength)
                .dimK(dimK).dimV(dimV);
    }

    /** Iterations per epoch, as cs231n's solver: {@code max(numTrain // batchSize, 1)}; 1 with full batches. */
    public int iterationsPerEpoch(long numTrain) {
        return fullBatch ? 1 : (int) Math.max(numTrain / batchSize, 1);
    }

    /** Total iterations: {@code --iterations}, or epochs (default 10) times iterations per epoch. */
    public long totalIterations(long numTrain) {
        if (iterations != null) {
            return iterations;
        }
        return (long) (epochs == null ? DEFAULT_EPOCHS : epochs) * iterationsPerEpoch(numTrain);
    }

    /**
     * Refuses a batch larger than the training split (unless full batches are asked for): the one check of this
     * config against the data.
     */
    void checkFits(long numTrain) {
        if (numTrain == 0) {
            throw new BadInputException("the training split has no captions");
        }
        if (!fullBatch && batchSize > numTrain) {
            throw new BadInputException("--batch-size " + batchSize + " is larger than the " + numTrain
                    + " training captions; lower it or pass --full-batch");
        }
    }

    private static void positive(String flag, long value) {
        if (value <= 0) {
            throw bad(flag, value, "a positive integer");
        }
    }

    private static void required(String flag, Object value, String expected) {
        if (value == null) {
            throw bad(flag, null, expected);
        }
    }

    private static BadInputException bad(String flag, Object value, String expected) {
        return new BadInputException(flag + ": got " + value + "; expected " + expected);
    }

    /** Settings one at a time; {@link #build} validates them all. */
    public static final class Builder {
        private String data;
        private FeatureKind features;
        private CellType cell = DEFAULT_CELL;
        private int hidden = DEFAULT_HIDDEN;
        private int wordvec = DEFAULT_WORDVEC;
        private UpdateRuleType updateRule = DEFAULT_UPDATE_RULE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double lrDecay = DEFAULT_LR_DECAY;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Integer epochs;
        private Integer iterations;
        private boolean fullBatch;
        private Integer maxTrain;
        private int partitions;
        private String master;
        private long seed = DEFAULT_SEED;
        private DType dtype = DEFAULT_DTYPE;
        private Double clipNorm;
        private String out;
        private int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
        private int keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS;
        private boolean resume;
        private String init;
        private int printEvery = DEFAULT_PRINT_EVERY;
        private int treeDepth = DEFAULT_TREE_DEPTH;
        private Integer heads;
        private int layers = DEFAULT_LAYERS;
        private int ffn = DEFAULT_FFN;
        private Activation.Kind activation = DEFAULT_ACTIVATION;
        private double dropout = DEFAULT_DROPOUT;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private int dimK = DEFAULT_DIM_K;
        private int dimV = DEFAULT_DIM_V;

        private Builder() {
        }

        // @formatter:off
        public Builder data(String v) { data = v; return this; }
        public Builder features(FeatureKind v) { features = v; return this; }
        public Builder cell(CellType v) { cell = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder wordvec(int v) { wordvec = v; return this; }
        public Builder updateRule(UpdateRuleType v) { updateRule = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder lrDecay(double v) { lrDecay = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder epochs(Integer v) { epochs = v; return this; }
        public Builder iterations(Integer v) { iterations = v; return this; }
        public Builder fullBatch(boolean v) { fullBatch = v; return this; }
        public Builder maxTrain(Integer v) { maxTrain = v; return this; }
        public Builder partitions(int v) { partitions = v; return this; }
        public Builder master(String v) { master = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder dtype(DType v) { dtype = v; return this; }
        public Builder clipNorm(Double v) { clipNorm = v; return this; }
        public Builder out(String v) { out = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder init(String v) { init = v; return this; }
        public Builder printEvery(int v) { printEvery = v; return this; }
        public Builder treeDepth(int v) { treeDepth = v; return this; }
        public Builder heads(Integer v) { heads = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder ffn(int v) { ffn = v; return this; }
        public Builder activation(Activation.Kind v) { activation = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder dimK(int v) { dimK = v; return this; }
        public Builder dimV(int v) { dimV = v; return this; }
        // @formatter:on

        public TrainConfig build() {
            return new TrainConfig(data, features, cell, hidden, wordvec, updateRule, learningRate, lrDecay, batchSize,
                    epochs, iterations, fullBatch, maxTrain, partitions, master, seed, dtype, clipNorm, out,
                    checkpointEvery, keepCheckpoints, resume, init, printEvery, treeDepth, heads, layers, ffn, activation,
                    dropout, maxLength, dimK, dimV);
        }
    }
}
