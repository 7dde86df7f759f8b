package captioner.train;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.io.StorageFailure;
import captioner.model.Checkpoint;
import captioner.model.ModelConfig;
import captioner.model.ModelSpec;
import captioner.model.TransformerConfig;
import captioner.model.TransformerSettings;
import captioner.model.ModelFit;
import captioner.model.Vocabulary;
import captioner.model.VocabularyWarmStart;
import captioner.model.classify.ClassifierConfig;
import captioner.nn.GradientClipping;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Synchronous data-parallel training, the product's main job. Each iteration the driver broadcasts
 * the parameters; every partition of the cached caption table computes the summed loss and
 * gradient of its share of the minibatch ({@link PartitionGradient}); the sums come back through an
 * ordered reduction tree ({@link GradientSum}); the driver divides by the batch size, optionally
 * clips, and applies the update rule. Epoch arithmetic and learning-rate decay are cs231n's solver's.
 * The loop only computes: what it measured and when a checkpoint is due go to {@link TrainingListener}s
 * (OUT/metrics.jsonl, checkpoints and model.h5, loss.png, the progress lines, and any {@link #listen added} one).
 */
public final class Trainer {

    /**
     * What training reads: the vocabulary and the training split as one shard per partition, and the model family
     * the data plugs in.
     *
     * @param model the model to start from (before --init or --resume); null for the captioning model the flags
     *              describe ({@link TrainConfig#cell()}). Seed 004's classifier comes this way, its shards' rows
     *              being labelled sentences ({@code captioner.data.classify.SentenceShards}).
     */
    public record Input(Vocabulary vocab, JavaRDD<CaptionShard> train, int featureDim, int captionLength,
                        ModelSpec model) {
        /** A captioning input: the flags describe the model. */
        public Input(Vocabulary vocab, JavaRDD<CaptionShard> train, int featureDim, int captionLength) {
            this(vocab, train, featureDim, captionLength, null);
        }
    }

    /** How a run ended. */
    public record Result(long iterations, int epochs, double finalLoss, double captionsPerSecond, double seconds,
                         String model) {
    }

    private final SparkSession spark;
    private final TrainConfig config;
    private final Input input;
    private final PrintStream log;
    private final List<TrainingListener> listeners = new ArrayList<>();
    /** What --init did to the words, kept in run.json once the run owns its directory; null without --init. */
    private VocabularyWarmStart.Result warmStart;

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

    /**
     * Refuses an unusable --out before any data is read (nothing is written).
     *
     * @param partitionsKnown false when the partition count waits for Spark (its default parallelism): a resumed
     *                        run's partitions are then compared once the run starts
     */
    public static void checkOutput(TrainConfig config, org.apache.hadoop.conf.Configuration conf,
                                   boolean partitionsKnown) {
        new RunDirectory(config.out(), conf).check(config,
                partitionsKnown ? List.of() : List.of(RunLayout.Run.PARTITIONS));
    }

    /** Adds a listener, told of the run after the metrics log, checkpoints, loss plot and progress lines. */
    public Trainer listen(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public Result run() {
        // Local mode: executors share this JVM, so parameters and gradients pass by reference (LocalRounds).
        boolean local = spark.sparkContext().isLocal()
                && Boolean.parseBoolean(spark.conf().get(LOCAL_EXCHANGE, "true"));
        Exchange.Request exchangeAsked = Exchange.request(spark, local);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("count captions per partition");
        long[] sizes = input.train().map(s -> (long) s.numCaptions()).collect().stream().mapToLong(Long::longValue).toArray();
        long numTrain = Arrays.stream(sizes).sum();
        config.checkFits(numTrain);
        DType dtype = config.dtype();
        RunDirectory dir = new RunDirectory(config.out(), spark.sparkContext().hadoopConfiguration());
        State state = initialState(dir, dtype);
        long iterationsPerEpoch = config.iterationsPerEpoch(numTrain);
        long total = config.totalIterations(numTrain);
        if (state.iteration >= total) {
            dir.check(config, List.of());
            return complete(state, total, dir);
        }
        // Decided before anything of the run is written: a refused reduce-scatter leaves no run directory.
        Exchange.Choice exchange = exchangeAsked.choose(spark.sparkContext(), sizes.length, local,
                GradientSum.oneLevel(sizes.length, config.treeDepth()), log);
        dir.claim(config);
        dir.recordEnvironment(RunLayout.Environment.EXCHANGE, RunLayout.ExchangeUsed.of(exchange.exchange().label(),
                exchange.why()));
        List<ExecutorBlas.Row> blas = ExecutorBlas.probe(input.train());
        ExecutorBlas.print(blas, log);
        dir.recordEnvironment(RunLayout.Environment.EXECUTOR_BLAS, blas);
        if (warmStart != null) {
            dir.recordEnvironment(RunLayout.Environment.WARM_START, RunLayout.WarmStart.of(warmStart.shared(),
                    warmStart.added(), warmStart.dropped(), warmStart.remapped()));
        }
        ModelSpec model = state.model;
        BatchPlan plan = new BatchPlan(sizes, config.batchSize(), config.seed());
        String configJson = toJson(config);
        List<TrainingListener> all = new ArrayList<>(List.of(new MetricsLog(dir),
                new CheckpointWriter(dir, config.keepCheckpoints()), new LossPlot(dir), new ProgressLog(log)));
        all.addAll(listeners);

        GradientRounds.Tasks tasks = (it, params, handOff) -> new PartitionGradient(params, model, dtype,
                config.fullBatch() ? null : plan.shares(it), config.fullBatch(), config.seed(), it, handOff,
                injectedFailure(it));
        long runStart = System.nanoTime();
        long captionsSeen = 0;
        double loss = Double.NaN;
        try {
            TrainingListener.Start start = new TrainingListener.Start(config, model, state.params.size(), numTrain,
                    sizes.length, state.iteration, total, iterationsPerEpoch, exchange.describe());
            all.forEach(l -> l.runStarted(start));
            boolean sharded = exchange.exchange() == Exchange.REDUCE_SCATTER;
            Schedule schedule = new Schedule(iterationsPerEpoch, config.lrDecay(), config.checkpointEvery(), total);
            try (ShardedRounds scattered = sharded ? new ShardedRounds(jsc, input.train(), tasks, state.params,
                    state.rule, schedule, config.clipNorm(), state.iteration, total, log, exchangeAsked.waitMillis())
                    : null;
                 GradientRounds rounds = sharded ? null : rounds(exchange.exchange(), jsc, tasks, state, total)) {
                for (long it = state.iteration; it < total; it++) {
                    Step step = scattered != null ? step(scattered, state, it, dir) : step(rounds, state, it, dir);
                    loss = step.loss();
                    state.iteration = it + 1;
                    state.addLoss(loss);
                    if (schedule.epochEnds(it)) {
                        state.epoch++;
                    }
                    state.learningRate = schedule.nextLearningRate(it, state.learningRate);
                    captionsSeen += step.captions();
                    IterationMetrics metrics = step.metrics(state);
                    all.forEach(l -> l.iterationDone(metrics));
                    if (schedule.checkpointDue(it)) {
                        Checkpoint due = state.checkpoint(input.vocab(), config.seed(), configJson);
                        all.forEach(l -> l.checkpointDue(due));
                    }
                }
            }
            double seconds = (System.nanoTime() - runStart) / 1e9;
            Result result = new Result(state.iteration, state.epoch, loss, captionsSeen / Math.max(seconds, 1e-9),
                    seconds, dir.file(RunLayout.MODEL).toString());
            TrainingListener.End end = new TrainingListener.End(state.checkpoint(input.vocab(), config.seed(),
                    configJson), result);
            all.forEach(l -> l.runEnded(end));
            return result;
        } catch (RuntimeException failure) {
            for (TrainingListener l : all) {
                try {
                    l.runFailed(failure);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
            if (failure instanceof StorageFailure || failure instanceof ShardedRounds.SlotsGone) {
                throw new TrainingFailedException(failure.getMessage() + ". " + resumeHint(dir), failure);
            }
            throw failure;
        }
    }

    /** The driver's side of a design that sums gradients on the driver. */
    private GradientRounds rounds(Exchange exchange, JavaSparkContext jsc, GradientRounds.Tasks tasks, State state,
                                  long total) {
        return switch (exchange) {
            case LOCAL -> new LocalRounds(jsc, input.train(), tasks, storage(state.params), state.iteration, total);
            case CHANNEL -> new ChannelRounds(jsc, input.train(), tasks, () -> storage(state.params), config.dtype(),
                    state.params.size(), total, log);
            case BROADCAST -> new BroadcastRounds(jsc, input.train(), tasks, config.treeDepth(),
                    () -> storage(state.params));
            case REDUCE_SCATTER -> throw new IllegalStateException("the reduce-scatter has no driver-side sum");
        };
    }

    /**
     * A resumed run that has nothing left to do: it says so (a length beyond its count extends it) and changes
     * nothing; a length below what it has done is refused.
     */
    private Result complete(State state, long total, RunDirectory dir) {
        if (state.iteration > total) {
            throw new BadInputException("--resume: the run in " + config.out() + " has done " + state.iteration
                    + " iterations, more than the " + total + " asked for; give --iterations or --epochs beyond "
                    + state.iteration + " to extend it");
        }
        double[] history = state.history();
        double loss = history.length == 0 ? Double.NaN : history[history.length - 1];
        log.printf("the run in %s is complete: %d iterations (%d epochs), final loss %.4f; give --iterations or "
                + "--epochs beyond it to extend it%n", config.out(), state.iteration, state.epoch, loss);
        return new Result(state.iteration, state.epoch, loss, 0, 0, dir.file(RunLayout.MODEL).toString());
    }

    /** Where a run that failed on its storage goes on from. */
    private String resumeHint(RunDirectory dir) {
        String last;
        try {
            List<Location> kept = dir.checkpoints();
            last = kept.isEmpty() ? "none yet" : kept.get(kept.size() - 1).toString();
        } catch (RuntimeException e) {
            last = "unknown (" + config.out() + " cannot be listed)";
        }
        return "Last good checkpoint: " + last + "; once the cause is fixed, train --out " + config.out()
                + " --resume continues from it";
    }

    /**
     * One iteration's outcome and its time split: nanosecond timestamps (start, broadcast done, sum done, updated),
     * the slowest task's parameter wait and compute, and the driver's part of the sum.
     */
    private record Step(double loss, double gradNorm, long captions, double learningRate, long t0, long t1, long t2,
                        long t3, long paramsNanos, long computeNanos, long reduceNanos) {
        /** What the iteration measured, with the state's counters after it. */
        IterationMetrics metrics(State s) {
            long results = Math.max(0, (t2 - t1) - paramsNanos - computeNanos - reduceNanos);
            return new IterationMetrics(s.iteration, s.epoch, loss, learningRate, gradNorm, captions,
                    captions / ((t3 - t0) / 1e9), (t3 - t0) / 1e6, (t1 - t0) / 1e6, paramsNanos / 1e6,
                    computeNanos / 1e6, results / 1e6, reduceNanos / 1e6, (t3 - t2) / 1e6);
        }
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
        // Over one slice per partition, as the reduce-scatter owners sum it (ShardedRounds): the same bits in both.
        double norm = GradientClipping.norm(grads, input.train().getNumPartitions());
        if (!StepDecision.finite(loss, norm)) {
            throw notFinite(loss, norm, it, dir);
        }
        if (config.clipNorm() != null) {
            GradientClipping.clipInPlace(grads, norm, config.clipNorm());
        }
        double lr = state.learningRate;
        state.rule.update(state.params, grads, lr);
        long t3 = System.nanoTime();
        rounds.updated(it);
        return new Step(loss, norm, n, lr, round.startNanos(), round.startNanos() + round.broadcastNanos(), t2, t3,
                sum.paramsNanos, sum.computeNanos, round.reduceNanos());
    }

    /**
     * One iteration of the reduce-scatter exchange: the executors sum, clip and update their slices; the driver
     * gets the loss, the norm and the timings, and its state is brought up to date when a checkpoint is due.
     */
    private Step step(ShardedRounds rounds, State state, long it, RunDirectory dir) {
        double lr = state.learningRate;
        ShardedRounds.Outcome o = rounds.iterate(it, lr);
        long n = o.captions();
        double loss = o.lossSum() / n;
        if (!StepDecision.finite(loss, o.norm())) {
            throw notFinite(loss, o.norm(), it, dir);
        }
        return new Step(loss, o.norm(), n, lr, o.startNanos(), o.startNanos(), o.reportedNanos(), o.endNanos(),
                o.paramsNanos(), o.computeNanos(), o.reduceNanos());
    }

    /**
     * When epochs end (the learning rate decays after them) and checkpoints are due, by iteration: the loop follows
     * it, and the reduce-scatter's rounds take it ahead ({@link ShardedRounds.Plan}).
     */
    private record Schedule(long iterationsPerEpoch, double lrDecay, long checkpointEvery, long total)
            implements ShardedRounds.Plan {
        boolean epochEnds(long it) {
            return (it + 1) % iterationsPerEpoch == 0;
        }

        @Override
        public double nextLearningRate(long it, double learningRate) {
            return epochEnds(it) ? learningRate * lrDecay : learningRate;
        }

        @Override
        public boolean checkpointDue(long it) {
            return (it + 1) % checkpointEvery == 0 || it + 1 == total;
        }
    }

    private TrainingFailedException notFinite(double loss, double norm, long it, RunDirectory dir) {
        List<Location> kept = dir.checkpoints();
        return new TrainingFailedException("the " + (Double.isFinite(loss) ? "gradient norm" : "loss")
                + " is " + (Double.isFinite(loss) ? norm : loss) + " at iteration " + (it + 1)
                + "; parameters were not updated. Last good checkpoint: "
                + (kept.isEmpty() ? "none yet" : kept.get(kept.size() - 1))
                + ". Try a lower --learning-rate or --clip-norm.");
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
        ModelSpec model = freshModel(vocab);
        if (config.resume()) {
            Optional<Checkpoint> newest = dir.newestValidCheckpoint(dtype, log);
            if (newest.isPresent()) {
                Checkpoint c = newest.get();
                ModelFit.check("--resume: the newest checkpoint in " + config.out(), c.vocab(), c.model(),
                        "the data", vocab, input.featureDim());
                UpdateRule rule = UpdateRuleType.parse(c.updateRule()).create(c.params().size(), dtype);
                rule.restore(c.optimizerState());
                log.printf("resuming from iteration %d (epoch %d)%n", c.iteration(), c.epoch());
                return new State(c.model(), c.params(), rule, c.iteration(), c.epoch(), c.learningRate(), c.lossHistory());
            }
            log.println("resuming: no checkpoint yet, starting from iteration 0");
        }
        Tensor params;
        if (config.init() != null) {
            TransformerSettings hints = new TransformerSettings(config.heads(), config.activation(), config.dropout(),
                    config.maxLength());
            VocabularyWarmStart.Result warm = LocalCopy.read(Location.of(config.init(),
                    spark.sparkContext().hadoopConfiguration()),
                    p -> VocabularyWarmStart.load(p, config.init(), dtype, vocab, config.seed(), hints));
            warmStart = warm;
            Checkpoint.Params loaded = warm.params();
            // The parameters are now over the data's vocabulary (remapped by word if the file's differed): only the
            // feature width is left to check.
            ModelFit.check("--init " + config.init(), vocab, loaded.config(), "the data", vocab, input.featureDim());
            model = loaded.config();
            params = loaded.params();
            if (model instanceof ModelConfig m) {
                log.printf("warm start from %s (%s, W=%d, H=%d; %s)%n", config.init(), m.cell().label(),
                        m.wordvecDim(), m.hiddenDim(), warm.describe());
            } else {
                log.printf("warm start from %s (%s; %s)%n", config.init(), model.summary(), warm.describe());
            }
        } else {
            params = model.initialParams(dtype, config.seed());
        }
        checkLength(model);
        UpdateRule rule = config.updateRule().create(params.size(), dtype);
        return new State(model, params, rule, 0, 0, config.learningRate(), new double[0]);
    }

    /** The model the flags describe, before any --init or --resume. */
    private ModelSpec freshModel(Vocabulary vocab) {
        if (input.model() != null) {
            return input.model();
        }
        if (config.cell() == captioner.model.CellType.TRANSFORMER) {
            return new TransformerConfig(vocab.size(), input.featureDim(), config.wordvec(), config.ffn(),
                    config.layers(), config.headsOrDefault(), config.activation(), config.dropout(), config.maxLength(),
                    vocab.nullIdx(), vocab.startIdx(), vocab.endIdx());
        }
        return ModelConfig.of(config.cell(), vocab, input.featureDim(), config.wordvec(), config.hidden());
    }

    /** The transformer takes captions of at most maxLength + 1 words (maxLength positions in); the classifier L tokens. */
    private void checkLength(ModelSpec model) {
        if (model instanceof ClassifierConfig c && input.captionLength() - 1 > c.maxLength()) {
            throw new BadInputException("the data's sentences have " + (input.captionLength() - 1) + " tokens but the "
                    + "classifier has " + c.maxLength() + " positions; expected at most " + c.maxLength() + " tokens");
        }
        if (model instanceof TransformerConfig t && input.captionLength() - 1 > t.maxLength()) {
            throw new BadInputException("the data's captions have " + input.captionLength() + " words ("
                    + (input.captionLength() - 1) + " positions in) but --max-length is " + t.maxLength()
                    + "; expected --max-length of at least " + (input.captionLength() - 1));
        }
    }

    /** The driver's training state; everything a checkpoint holds. */
    private static final class State {
        final ModelSpec model;
        final Tensor params;
        final UpdateRule rule;
        long iteration;
        int epoch;
        double learningRate;
        private double[] losses;
        private int lossCount;

        State(ModelSpec model, Tensor params, UpdateRule rule, long iteration, int epoch, double learningRate,
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

    private static Object storage(Tensor params) {
        return params.dtype() == DType.FLOAT32 ? params.floatStorage() : params.doubleStorage();
    }

    private static String toJson(TrainConfig config) {
        try {
            return RunLayout.JSON.writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
