package captioner.train;

import captioner.BadInputException;
import captioner.model.CellType;
import captioner.optim.UpdateRule;
import captioner.tensor.DType;

import java.io.Serializable;

/**
 * Everything that defines a training run, validated in one place. The defaults are the constants
 * below (cs231n's solver and model settings); the command line and {@code conf/captioner.properties}
 * override them. Invalid values are refused before any work, naming the flag.
 *
 * @param data          a cs231n directory or caption table; null for the embedded default dataset
 * @param features      pca or fc7; null for the table's kind (pca for a cs231n directory)
 * @param epochs        epochs to run; null when {@code iterations} is given instead
 * @param iterations    iterations to run; null when {@code epochs} is given
 * @param maxTrain      keep a seeded random subset of this many training captions; null for all
 * @param clipNorm      rescale the gradient to this global L2 norm when it is larger; null for none
 * @param init          warm-start parameters from this file's {@code /params}; null for cs231n's initialisation
 * @param treeDepth     depth of the gradient reduction tree (1 sums every partition's gradient on the driver)
 */
public record TrainConfig(String data, String features, CellType cell, int hidden, int wordvec, String updateRule,
                          double learningRate, double lrDecay, int batchSize, Integer epochs, Integer iterations,
                          boolean fullBatch, Integer maxTrain, int partitions, String master, long seed, DType dtype,
                          Double clipNorm, String out, int checkpointEvery, int keepCheckpoints, boolean resume,
                          String init, int printEvery, int treeDepth) implements Serializable {

    public static final CellType DEFAULT_CELL = CellType.LSTM;
    public static final int DEFAULT_HIDDEN = 512;
    public static final int DEFAULT_WORDVEC = 256;
    public static final String DEFAULT_UPDATE_RULE = "adam";
    public static final double DEFAULT_LEARNING_RATE = 5e-3;
    public static final double DEFAULT_LR_DECAY = 0.95;
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int DEFAULT_EPOCHS = 10;
    public static final String DEFAULT_MASTER = "local[*]";
    public static final long DEFAULT_SEED = 231;
    public static final DType DEFAULT_DTYPE = DType.FLOAT32;
    public static final String DEFAULT_OUT = "runs/latest";
    public static final int DEFAULT_CHECKPOINT_EVERY = 100;
    public static final int DEFAULT_KEEP_CHECKPOINTS = 3;
    public static final int DEFAULT_PRINT_EVERY = 10;
    public static final int DEFAULT_TREE_DEPTH = 2;

    public TrainConfig {
        if (features != null && !features.equals("pca") && !features.equals("fc7")) {
            throw bad("--features", features, "pca or fc7");
        }
        if (cell == null) {
            throw bad("--cell", null, "rnn or lstm");
        }
        positive("--hidden", hidden);
        positive("--wordvec", wordvec);
        if (!UpdateRule.NAMES.contains(updateRule)) {
            throw bad("--update-rule", updateRule, String.join(", ", UpdateRule.NAMES));
        }
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
        if (dtype == null) {
            throw bad("--dtype", null, "float32 or float64");
        }
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

    private static void positive(String flag, long value) {
        if (value <= 0) {
            throw bad(flag, value, "a positive integer");
        }
    }

    private static BadInputException bad(String flag, Object value, String expected) {
        return new BadInputException(flag + ": got " + value + "; expected " + expected);
    }
}
