package captioner.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A run's output directory, as {@code train} writes it and {@code evaluate}, {@code report} and the
 * benchmark read it:
 * <pre>
 * OUT/run.json                        the settings that own this directory ({@link TrainConfig}, keys {@link Run})
 * OUT/checkpoints/ckpt-NNNNNNNNN.h5   every checkpoint-every iterations and at the end; the newest few kept
 * OUT/model.h5                        the final parameters (a checkpoint file)
 * OUT/metrics.jsonl                   one JSON object per iteration (keys {@link Metric})
 * OUT/loss.png                        the loss curve
 * OUT/train.lock                      while a trainer runs: its host, pid, start and heartbeat ({@link RunLock})
 * </pre>
 * Readers use these names, never their own copies, so the writers and readers cannot drift apart.
 */
public final class RunLayout {
    public static final String MODEL = "model.h5";
    public static final String RUN = "run.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String LOSS_PLOT = "loss.png";
    public static final String CHECKPOINTS = "checkpoints";
    /** Held by the one trainer writing the directory ({@link RunLock}). */
    public static final String LOCK = "train.lock";
    /** The checkpoints' names as a shell pattern, for help texts. */
    public static final String CHECKPOINT_GLOB = "ckpt-*.h5";

    private static final Pattern CHECKPOINT = Pattern.compile("ckpt-(\\d{9})\\.h5");

    /**
     * How run.json and metrics.jsonl are written and read. Enums are written by {@code toString}: the cell
     * and dtype as their names ({@code LSTM}, {@code FLOAT32}), the update rule and feature kind as users
     * write them ({@code adam}, {@code pca}), which is how every run directory so far spells them.
     */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING);

    private RunLayout() {
    }

    /** The file name of the checkpoint after {@code iteration} iterations, e.g. {@code ckpt-000000100.h5}. */
    public static String checkpointName(long iteration) {
        return String.format("ckpt-%09d.h5", iteration);
    }

    /** Whether {@code fileName} is a checkpoint's name ({@link #checkpointName}). */
    public static boolean isCheckpoint(String fileName) {
        return CHECKPOINT.matcher(fileName).matches();
    }

    /** The keys of each metrics.jsonl record, in the order they are written ({@link IterationMetrics}). */
    public static final class Metric {
        public static final String ITERATION = "iteration";
        public static final String EPOCH = "epoch";
        public static final String LOSS = "loss";
        public static final String LEARNING_RATE = "learning_rate";
        public static final String GRAD_NORM = "grad_norm";
        /** Training rows per second: captions, or sentences for the classifier (one key, so readers need no task). */
        public static final String CAPTIONS_PER_S = "captions_per_s";
        public static final String ITERATION_MS = "iteration_ms";
        public static final String BROADCAST_MS = "broadcast_ms";
        public static final String PARAMS_MS = "params_ms";
        public static final String COMPUTE_MS = "compute_ms";
        public static final String RESULTS_MS = "results_ms";
        public static final String REDUCE_MS = "reduce_ms";
        public static final String UPDATE_MS = "update_ms";

        private Metric() {
        }
    }

    /**
     * The keys run.json holds beside the settings: what the run found where it ran and what it started from (not
     * compared on --resume).
     */
    public static final class Environment {
        /** One entry per JVM that computes: the driver's first, then each executor's BLAS ({@code ExecutorBlas}). */
        public static final String EXECUTOR_BLAS = "executorBlas";
        /** What {@code --init} did to the vocabulary ({@link WarmStart}); absent without --init. */
        public static final String WARM_START = "warmStart";

        /** How the run's parameters and gradients travelled ({@link ExchangeUsed}), as of its latest start. */
        public static final String EXCHANGE = "exchange";

        static final List<String> ALL = List.of(EXECUTOR_BLAS, WARM_START, EXCHANGE);

        private Environment() {
        }
    }

    /**
     * run.json's {@value Environment#WARM_START}: the words of the data's vocabulary the model file also held
     * ({@value #SHARED}: their rows carried over), those it lacked ({@value #NEW}: freshly initialised), the words
     * only the file held ({@value #DROPPED}), and whether the vocabularies differed ({@value #REMAPPED}; false: the
     * parameters were read index for index), e.g. {@code {"shared": 998, "new": 6, "dropped": 4, "remapped": true}}.
     */
    public static final class WarmStart {
        public static final String SHARED = "shared";
        public static final String NEW = "new";
        public static final String DROPPED = "dropped";
        public static final String REMAPPED = "remapped";

        private WarmStart() {
        }

        static Map<String, Object> of(int shared, int added, int dropped, boolean remapped) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(SHARED, shared);
            m.put(NEW, added);
            m.put(DROPPED, dropped);
            m.put(REMAPPED, remapped);
            return m;
        }
    }

    /**
     * run.json's {@value Environment#EXCHANGE}: the design that carried the run ({@value #USED}: local, channel,
     * broadcast or reduce-scatter) and why it was chosen ({@value #WHY}), e.g. {@code {"used": "channel", "why":
     * "asked for by spark.captioner.exchange=channel"}}.
     */
    public static final class ExchangeUsed {
        public static final String USED = "used";
        public static final String WHY = "why";

        private ExchangeUsed() {
        }

        static Map<String, Object> of(String used, String why) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(USED, used);
            m.put(WHY, why);
            return m;
        }
    }

    /**
     * The keys of run.json, one per {@link TrainConfig} setting and pinned there with {@code @JsonProperty}:
     * renaming a setting in code keeps reading the run directories already written.
     */
    public static final class Run {
        public static final String DATA = "data";
        public static final String FEATURES = "features";
        public static final String CELL = "cell";
        public static final String HIDDEN = "hidden";
        public static final String WORDVEC = "wordvec";
        public static final String UPDATE_RULE = "updateRule";
        public static final String LEARNING_RATE = "learningRate";
        public static final String LR_DECAY = "lrDecay";
        public static final String BATCH_SIZE = "batchSize";
        public static final String EPOCHS = "epochs";
        public static final String ITERATIONS = "iterations";
        public static final String FULL_BATCH = "fullBatch";
        public static final String MAX_TRAIN = "maxTrain";
        public static final String PARTITIONS = "partitions";
        public static final String MASTER = "master";
        public static final String SEED = "seed";
        public static final String DTYPE = "dtype";
        public static final String CLIP_NORM = "clipNorm";
        public static final String OUT = "out";
        public static final String CHECKPOINT_EVERY = "checkpointEvery";
        public static final String KEEP_CHECKPOINTS = "keepCheckpoints";
        public static final String RESUME = "resume";
        public static final String INIT = "init";
        public static final String PRINT_EVERY = "printEvery";
        public static final String TREE_DEPTH = "treeDepth";
        public static final String HEADS = "heads";
        public static final String LAYERS = "layers";
        public static final String FFN = "ffn";
        public static final String ACTIVATION = "activation";
        public static final String DROPOUT = "dropout";
        public static final String MAX_LENGTH = "maxLength";
        public static final String DIM_K = "dimK";
        public static final String DIM_V = "dimV";

        /** Settings that do not change a run's result: a resumed run may give other values for them. */
        public static final List<String> FREE = List.of(RESUME, PRINT_EVERY, CHECKPOINT_EVERY, KEEP_CHECKPOINTS, MASTER,
                OUT);

        private Run() {
        }
    }
}
