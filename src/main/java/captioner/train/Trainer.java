package captioner.train;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.model.CaptioningModel;
import captioner.model.Checkpoint;
import captioner.model.ModelConfig;
import captioner.model.Vocabulary;
import captioner.optim.UpdateRule;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Synchronous data-parallel training, the product's main job. Each iteration the driver broadcasts
 * the parameters; every partition of the cached caption table computes the summed loss and
 * gradient of its share of the minibatch ({@link PartitionGradient}); the sums come back through an
 * ordered reduction tree ({@link GradientSum}); the driver divides by the batch size, optionally
 * clips, and applies the update rule. Epoch arithmetic and learning-rate decay are cs231n's solver's.
 */
public final class Trainer {

    /** What training reads: the vocabulary and the training split as one shard per partition. */
    public record Input(Vocabulary vocab, JavaRDD<CaptionShard> train, int featureDim, int captionLength) {
    }

    /** How a run ended. */
    public record Result(long iterations, int epochs, double finalLoss, double captionsPerSecond, double seconds,
                         String model) {
    }

    private final SparkSession spark;
    private final TrainConfig config;
    private final Input input;
    private final PrintStream log;

    public Trainer(SparkSession spark, TrainConfig config, Input input, PrintStream log) {
        this.spark = spark;
        this.config = config;
        this.input = input;
        this.log = log;
    }

    /** Spark property that turns off the by-reference hand-off of local mode ({@link LocalExchange}). */
    public static final String LOCAL_EXCHANGE = "spark.captioner.localExchange";

    /**
     * Fault injection for checking a deployment's task retries: {@code ITERATION:PARTITION} makes that task's first
     * attempt fail. Spark retries it (given spark.task.maxFailures, or local[N,F] in local mode), and since tasks are
     * deterministic the run's result does not change.
     */
    public static final String FAIL_TASK_ONCE = "spark.captioner.failTaskOnce";

    /** Refuses an unusable --out before any data is read (nothing is written). */
    public static void checkOutput(TrainConfig config, org.apache.hadoop.conf.Configuration conf) {
        new RunDirectory(config.out(), conf).check(config);
    }

    public Result run() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("count captions per partition");
        long[] sizes = input.train().map(s -> (long) s.numCaptions()).collect().stream().mapToLong(Long::longValue).toArray();
        long numTrain = Arrays.stream(sizes).sum();
        if (numTrain == 0) {
            throw new BadInputException("the training split has no captions");
        }
        if (!config.fullBatch() && config.batchSize() > numTrain) {
            throw new BadInputException("--batch-size " + config.batchSize() + " is larger than the " + numTrain
                    + " training captions; lower it or pass --full-batch");
        }
        DType dtype = config.dtype();
        RunDirectory dir = new RunDirectory(config.out(), spark.sparkContext().hadoopConfiguration());
        State state = initialState(dir, dtype);
        dir.claim(config);
        ModelConfig model = state.model;
        long iterationsPerEpoch = config.iterationsPerEpoch(numTrain);
        long total = config.totalIterations(numTrain);
        BatchPlan plan = new BatchPlan(sizes, config.batchSize(), config.seed());
        String configJson = toJson(config);
        log.printf("training %s (V=%d, D=%d, W=%d, H=%d, %,d parameters, %s) on %,d captions in %d partitions: "
                        + "%d iterations, %d per epoch, batch %s%n",
                model.cell().label(), model.vocabSize(), model.inputDim(), model.wordvecDim(), model.hiddenDim(),
                state.params.size(), dtype.label(), numTrain, sizes.length, total, iterationsPerEpoch,
                config.fullBatch() ? "full (" + numTrain + ")" : String.valueOf(config.batchSize()));

        // Local mode: executors share this JVM, so parameters and gradients pass by reference (LocalRounds).
        boolean local = spark.sparkContext().isLocal()
                && Boolean.parseBoolean(spark.conf().get(LOCAL_EXCHANGE, "true"));
        GradientRounds.Tasks tasks = (it, params, exchange) -> new PartitionGradient(params, model, dtype,
                config.fullBatch() ? null : plan.shares(it), config.fullBatch(), config.seed(), it, exchange,
                injectedFailure(it));
        long runStart = System.nanoTime();
        long firstIteration = state.iteration;
        long captionsSeen = 0;
        double loss = Double.NaN;
        try (GradientRounds rounds = local
                ? new LocalRounds(jsc, input.train(), tasks, storage(state.params), state.iteration, total)
                : new BroadcastRounds(jsc, input.train(), tasks, config.treeDepth(), () -> storage(state.params));
             MetricsLog metrics = MetricsLog.open(dir, state.iteration)) {
            for (long it = state.iteration; it < total; it++) {
                Step step = step(rounds, state, it, dir);
                long n = step.captions();
                loss = step.loss();
                state.iteration = it + 1;
                state.addLoss(loss);
                if (state.iteration % iterationsPerEpoch == 0) {
                    state.epoch++;
                    state.learningRate *= config.lrDecay();
                }
                captionsSeen += n;
                metrics.append(metricsRecord(state, step));
                if (state.iteration % config.printEvery() == 0 || state.iteration == total) {
                    double elapsed = (System.nanoTime() - runStart) / 1e9;
                    double perIteration = elapsed / (state.iteration - firstIteration);
                    log.printf("iteration %d/%d  epoch %d/%d  loss %.4f  %.0f captions/s  ETA %s%n", state.iteration, total,
                            Math.min(state.epoch + 1, (total + iterationsPerEpoch - 1) / iterationsPerEpoch),
                            (total + iterationsPerEpoch - 1) / iterationsPerEpoch, loss, captionsSeen / elapsed,
                            duration(perIteration * (total - state.iteration)));
                }
                if (state.iteration % config.checkpointEvery() == 0 || state.iteration == total) {
                    dir.putCheckpoint(state.checkpoint(input.vocab(), config.seed(), configJson), config.keepCheckpoints());
                }
            }
        }
        dir.putModel(state.checkpoint(input.vocab(), config.seed(), configJson));
        LossPlot.write(state.history(), model.cell().label() + " training loss", dir);
        double seconds = (System.nanoTime() - runStart) / 1e9;
        Result result = new Result(state.iteration, state.epoch, loss, captionsSeen / Math.max(seconds, 1e-9), seconds,
                dir.file("model.h5").toString());
        log.printf("trained %s for %d iterations (%.2f epochs) in %s: final loss %.4f, %.0f captions/s; model at %s%n",
                model.cell().label(), result.iterations(), result.iterations() / (double) iterationsPerEpoch,
                duration(seconds), result.finalLoss(),
                result.captionsPerSecond(), result.model());
        return result;
    }

    /** One iteration's outcome and its time split (nanosecond timestamps: start, broadcast done, sums in, updated). */
    private record Step(double loss, double gradNorm, long captions, double learningRate, long t0, long t1, long t2,
                        long t3, long computeNanos) {
    }

    /**
     * One synchronous iteration: every partition's summed gradient on the current parameters, the
     * ordered sum, the update. Nothing is updated when the loss or gradient is not finite.
     */
    private Step step(GradientRounds rounds, State state, long it, RunDirectory dir) {
        Kernels k = Kernels.of(config.dtype());
        GradientRounds.Round round = rounds.gradient(it);
        PartialGradient sum = round.sum();
        long t2 = System.nanoTime();

        long n = sum.captions;
        double loss = sum.lossSum / n;
        Tensor grads = sum.gradient();
        k.scale(grads, 1.0 / n);
        double norm = Math.sqrt(k.sumSquares(grads));
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            List<Location> kept = dir.checkpoints();
            throw new TrainingFailedException("the " + (Double.isFinite(loss) ? "gradient norm" : "loss")
                    + " is " + (Double.isFinite(loss) ? norm : loss) + " at iteration " + (it + 1)
                    + "; parameters were not updated. Last good checkpoint: "
                    + (kept.isEmpty() ? "none yet" : kept.get(kept.size() - 1))
                    + ". Try a lower --learning-rate or --clip-norm.");
        }
        if (config.clipNorm() != null && norm > config.clipNorm()) {
            k.scale(grads, config.clipNorm() / norm);
        }
        double lr = state.learningRate;
        state.rule.update(state.params, grads, lr);
        long t3 = System.nanoTime();
        rounds.updated(it);
        return new Step(loss, norm, n, lr, round.startNanos(), round.startNanos() + round.broadcastNanos(), t2, t3,
                sum.computeNanos);
    }

    /** The partition whose first attempt fails at iteration {@code it} ({@link #FAIL_TASK_ONCE}), or -1. */
    private int injectedFailure(long it) {
        String spec = spark.conf().get(FAIL_TASK_ONCE, "");
        if (spec.isEmpty()) {
            return -1;
        }
        String[] parts = spec.split(":");
        try {
            return parts.length == 2 && Long.parseLong(parts[0].trim()) == it + 1 ? Integer.parseInt(parts[1].trim()) : -1;
        } catch (NumberFormatException e) {
            throw new BadInputException(FAIL_TASK_ONCE + " is '" + spec + "'; expected ITERATION:PARTITION, e.g. 3:1");
        }
    }

    /** Parameters, update rule and counters: fresh, warm-started from --init, or resumed from OUT. */
    private State initialState(RunDirectory dir, DType dtype) {
        Vocabulary vocab = input.vocab();
        ModelConfig model = ModelConfig.of(config.cell(), vocab, input.featureDim(), config.wordvec(), config.hidden());
        if (config.resume()) {
            Optional<Checkpoint> newest = dir.newestCheckpoint(dtype);
            if (newest.isPresent()) {
                Checkpoint c = newest.get();
                if (!c.vocab().words().equals(vocab.words())) {
                    throw new BadInputException("--resume: the checkpoint's vocabulary differs from the data's");
                }
                UpdateRule rule = UpdateRule.create(c.updateRule(), c.params().size(), dtype);
                rule.restore(c.optimizerState());
                log.printf("resuming from iteration %d (epoch %d)%n", c.iteration(), c.epoch());
                return new State(c.model(), c.params(), rule, c.iteration(), c.epoch(), c.learningRate(), c.lossHistory());
            }
            log.println("resuming: no checkpoint yet, starting from iteration 0");
        }
        Tensor params;
        if (config.init() != null) {
            Checkpoint.Params loaded = LocalCopy.read(Location.of(config.init(), spark.sparkContext().hadoopConfiguration()),
                    p -> Checkpoint.readParams(p, config.init(), dtype, vocab));
            if (loaded.config().inputDim() != input.featureDim()) {
                throw new BadInputException("--init " + config.init() + ": W_proj expects features of width "
                        + loaded.config().inputDim() + " but the data's are " + input.featureDim() + " wide");
            }
            model = loaded.config();
            params = loaded.params();
            log.printf("warm start from %s (%s, W=%d, H=%d)%n", config.init(), model.cell().label(), model.wordvecDim(),
                    model.hiddenDim());
        } else {
            params = CaptioningModel.initialParams(model, dtype, config.seed());
        }
        UpdateRule rule = UpdateRule.create(config.updateRule(), params.size(), dtype);
        return new State(model, params, rule, 0, 0, config.learningRate(), new double[0]);
    }

    /** The driver's training state; everything a checkpoint holds. */
    private static final class State {
        final ModelConfig model;
        final Tensor params;
        final UpdateRule rule;
        long iteration;
        int epoch;
        double learningRate;
        private double[] losses;
        private int lossCount;

        State(ModelConfig model, Tensor params, UpdateRule rule, long iteration, int epoch, double learningRate,
              double[] history) {
            this.model = model;
            this.params = params;
            this.rule = rule;
            this.iteration = iteration;
            this.epoch = epoch;
            this.learningRate = learningRate;
            this.losses = Arrays.copyOf(history, Math.max(16, history.length * 2));
            this.lossCount = history.length;
        }

        void addLoss(double loss) {
            if (lossCount == losses.length) {
                losses = Arrays.copyOf(losses, losses.length * 2);
            }
            losses[lossCount++] = loss;
        }

        double[] history() {
            return Arrays.copyOf(losses, lossCount);
        }

        Checkpoint checkpoint(Vocabulary vocab, long seed, String configJson) {
            return new Checkpoint(model, vocab, params, rule.name(), rule.state(), iteration, epoch, learningRate,
                    history(), seed, configJson);
        }
    }

    private static Map<String, Object> metricsRecord(State s, Step step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iteration", s.iteration);
        m.put("epoch", s.epoch);
        m.put("loss", step.loss());
        m.put("learning_rate", step.learningRate());
        m.put("grad_norm", step.gradNorm());
        m.put("captions_per_s", step.captions() / ((step.t3() - step.t0()) / 1e9));
        m.put("broadcast_ms", (step.t1() - step.t0()) / 1e6);
        m.put("compute_ms", step.computeNanos() / 1e6);
        m.put("aggregation_ms", Math.max(0, (step.t2() - step.t1()) - step.computeNanos()) / 1e6);
        m.put("update_ms", (step.t3() - step.t2()) / 1e6);
        return m;
    }

    private static Object storage(Tensor params) {
        return params.dtype() == DType.FLOAT32 ? params.floatStorage() : params.doubleStorage();
    }

    private static String toJson(TrainConfig config) {
        try {
            return RunDirectory.JSON.writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
        return s / 3600 + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }
}
