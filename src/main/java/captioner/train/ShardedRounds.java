package captioner.train;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduce-scatter exchange, chosen by {@link #EXCHANGE}: the driver no longer carries parameters or gradients.
 * The flat vector is cut into one slice per partition ({@link ShardLayout}); each partition's task owns its slice of
 * the parameters and of the update rule's state, and the tasks stream gradient slices to their owners and new
 * parameter slices to each other, executor to executor ({@link ShardedRound}, {@link PeerServer}). The driver gets
 * small messages only ({@link ShardCoordinator}): per iteration each partition's loss sum, counts, timings and its
 * slice's sum of squares, from which it computes the loss, the global norm (the ordered sum of the slices' sums, as
 * {@link captioner.nn.GradientClipping#norm(Tensor, int)} defines it in every design), the finiteness check and the
 * clipping, and answers with the learning rate. Every owner adds its slice's P gradients in partition order and
 * applies the update rule's arithmetic to its slice, so the result is bitwise the driver's update of the default
 * design.
 *
 * <p>One Spark job runs a round of up to {@link ChannelRounds#ROUND} iterations, all its tasks at once (so the
 * cluster needs a task slot per partition). At the round's end, at every checkpoint and when the loss or norm is not
 * finite, the owners upload their slices of the state, so the driver's parameters and update-rule state are then
 * exactly the default design's: checkpoints, resume and the end of a run are unchanged. A retried task (it failed,
 * or its executor was lost) has lost its slice of the state: the round is then cancelled and rerun from the
 * driver's last complete state, its iterations answered as the first time (bitwise the same, everything being a
 * pure function of that state).
 */
final class ShardedRounds implements AutoCloseable {
    /** Spark setting: how parameters and gradients travel on a cluster: {@value #CHANNEL} or {@value #REDUCE_SCATTER}. */
    static final String EXCHANGE = "spark.captioner.exchange";
    /** Through the driver's parameter channel ({@link ChannelRounds}; the broadcast design where that cannot run). */
    static final String CHANNEL = "channel";
    /** Executors reduce-scatter gradient slices and all-gather parameter slices among themselves. */
    static final String REDUCE_SCATTER = "reduce-scatter";
    /** How long a round waits for the cluster to offer a task slot per partition. */
    private static final long SLOTS_WAIT_MILLIS = 60_000;

    /** What the driver learned of an iteration, and when ({@link System#nanoTime}). */
    record Outcome(double lossSum, long captions, double norm, long startNanos, long reportedNanos, long endNanos,
                   long paramsNanos, long computeNanos, long reduceNanos) {
    }

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final GradientRounds.Tasks tasks;
    private final Tensor params;
    private final UpdateRule rule;
    private final ShardLayout layout;
    private final ShardCoordinator coordinator;
    private final long end;
    private final java.io.PrintStream log;
    private GradientSum.Job job;
    private int round = -1;
    private int reruns;
    private long roundEnd = -1;
    /** The iteration the driver's state is at: where a rerun starts. */
    private long settled;
    /** The last iteration answered, and when ({@link System#nanoTime}) just before: its successor began then. */
    private long answered = -1;
    private long answeredNanos;

    /**
     * @param params the driver's parameters and {@code rule} its update rule, brought up to date at every upload
     * @param first  the iteration the run starts at (the state's)
     * @param end    the iteration the run stops before
     * @param log    where a rerun is reported
     */
    ShardedRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, GradientRounds.Tasks tasks, Tensor params,
                  UpdateRule rule, long first, long end, java.io.PrintStream log) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.params = params;
        this.rule = rule;
        this.end = end;
        this.log = log;
        this.settled = first;
        this.layout = ShardLayout.of(params, rule, shards.getNumPartitions());
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host");
        this.coordinator = new ShardCoordinator(conf.get("spark.driver.bindAddress", host), host, layout);
    }

    /**
     * Whether the run asks for the reduce-scatter exchange ({@link #EXCHANGE}); refuses it where it cannot run.
     *
     * @param byReference local mode's by-reference hand-off is on ({@link Trainer#LOCAL_EXCHANGE})
     */
    static boolean requested(SparkSession spark, boolean byReference) {
        String value = spark.conf().get(EXCHANGE, CHANNEL).trim();
        if (value.equals(CHANNEL)) {
            return false;
        }
        if (!value.equals(REDUCE_SCATTER)) {
            throw new BadInputException(EXCHANGE + " is '" + value + "'; expected " + CHANNEL + " (the default) or "
                    + REDUCE_SCATTER);
        }
        if (byReference) {
            throw new BadInputException(EXCHANGE + "=" + REDUCE_SCATTER + " needs executors of their own; in local "
                    + "mode the tasks share the driver's JVM and nothing is sent (" + Trainer.LOCAL_EXCHANGE
                    + "=false makes local mode send anyway, for tests)");
        }
        SparkConf conf = spark.sparkContext().conf();
        if (conf.getBoolean("spark.speculation", false)) {
            throw new BadInputException(EXCHANGE + "=" + REDUCE_SCATTER + " cannot run with spark.speculation=true: "
                    + "a second copy of a task that owns a slice of the state would rerun its round every time");
        }
        for (String security : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.ssl.enabled")) {
            if (conf.getBoolean(security, false)) {
                throw new BadInputException(EXCHANGE + "=" + REDUCE_SCATTER + " cannot run with " + security
                        + "=true: its executor-to-executor streams are neither authenticated nor encrypted; use "
                        + EXCHANGE + "=" + CHANNEL);
            }
        }
        return true;
    }

    /**
     * Runs iteration {@code it} to its end on the executors: they update their slices with {@code learningRate}
     * and {@code clipNorm} (null: no clipping) unless the loss or norm is not finite; with {@code upload}, or at the
     * round's end, or when not finite, the driver's parameters and update-rule state are then that iteration's.
     */
    Outcome iterate(long it, double learningRate, Double clipNorm, boolean upload) {
        // The executors go on to iteration it as soon as they read the answer to it - 1, while the driver still
        // records it: the iteration's window starts there, so it holds the slowest task's compute.
        long start = answered == it - 1 && it < roundEnd ? answeredNanos : System.nanoTime();
        if (it >= roundEnd) {
            startRound(it);
        }
        ShardCoordinator.Report[] reports;
        while (true) {
            try {
                reports = coordinator.awaitReports(it, () -> job.checkRunning());
                break;
            } catch (ShardCoordinator.Broken e) {
                rerun(e);
            }
        }
        long reported = System.nanoTime();
        double lossSum = reports[0].lossSum();
        long captions = reports[0].captions();
        double sumSquares = 0;
        long paramsNanos = 0;
        long computeNanos = 0;
        long reduceNanos = 0;
        double[] lossSums = new double[reports.length];
        for (int q = 0; q < reports.length; q++) {
            ShardCoordinator.Report r = reports[q];
            if (q > 0) {
                lossSum += r.lossSum();
                captions += r.captions();
            }
            lossSums[q] = r.lossSum();
            sumSquares += r.sumSquares();
            paramsNanos = Math.max(paramsNanos, r.paramsNanos());
            computeNanos = Math.max(computeNanos, r.computeNanos());
            reduceNanos = Math.max(reduceNanos, r.reduceNanos());
        }
        double norm = Math.sqrt(sumSquares);
        boolean finite = Double.isFinite(lossSum / captions) && Double.isFinite(norm);
        // As GradientClipping.clipInPlace decides and scales.
        boolean clip = finite && clipNorm != null && !(norm <= clipNorm);
        byte action = (byte) ((finite ? 0 : ShardCoordinator.STOP) | (clip ? ShardCoordinator.CLIP : 0)
                | (upload || it + 1 == roundEnd ? ShardCoordinator.UPLOAD : 0));
        answered = it;
        answeredNanos = System.nanoTime();
        coordinator.answer(it, new ShardCoordinator.Answer(action, learningRate, clip ? clipNorm / norm : 1,
                lossSums));
        if ((action & (ShardCoordinator.UPLOAD | ShardCoordinator.STOP)) != 0) {
            receiveState(it);
        }
        long window = reported - start;
        long params = Math.max(0, Math.min(paramsNanos, window - computeNanos - reduceNanos));
        return new Outcome(lossSum, captions, norm, start, reported, System.nanoTime(), params, computeNanos,
                reduceNanos);
    }

    /** Waits for every owner's slices of the state after iteration {@code it} and makes them the driver's. */
    private void receiveState(long it) {
        double[][] scalars;
        while (true) {
            try {
                scalars = coordinator.awaitUploads(it, () -> job.checkRunning());
                break;
            } catch (ShardCoordinator.Broken e) {
                rerun(e);
            }
        }
        List<Tensor> vectors = ShardLayout.vectors(rule, layout.size());
        ByteBuffer state = coordinator.state();
        for (int q = 0; q < layout.partitions(); q++) {
            if (!Arrays.equals(scalars[q], scalars[0])) {
                throw new IllegalStateException("the owners' update-rule scalars differ after iteration " + (it + 1)
                        + ": " + Arrays.toString(scalars[0]) + " and " + Arrays.toString(scalars[q]));
            }
            state.clear().position(layout.regionOffset(q));
            layout.read(state, q, params, vectors);
        }
        ShardLayout.setScalars(rule, layout.size(), scalars[0]);
        settled = it + 1;
        coordinator.settled(it);
    }

    /** Waits for the last round's job, then submits the one of the iterations from {@code first}. */
    private void startRound(long first) {
        if (job != null) {
            job.await();
        }
        awaitSlots(round < 0);
        roundEnd = Math.min(end, first + ChannelRounds.ROUND);
        reruns = 0;
        submit(first);
    }

    /** A task of the round was retried: cancels the round's job and reruns it from the driver's state. */
    private void rerun(ShardCoordinator.Broken cause) {
        log.printf("%s: rerunning iterations %d-%d from the driver's state%n", cause.getMessage(), settled + 1,
                roundEnd);
        cancel();
        reruns++;
        awaitSlots(false);
        submit(settled);
    }

    private void submit(long first) {
        round++;
        ByteBuffer state = coordinator.state();
        List<Tensor> vectors = ShardLayout.vectors(rule, layout.size());
        for (int q = 0; q < layout.partitions(); q++) {
            state.clear().position(layout.regionOffset(q));
            layout.write(state, q, params, vectors);
        }
        coordinator.startRound(round, ShardLayout.scalars(rule, layout.size()));
        List<PartitionGradient> steps = new ArrayList<>();
        for (long it = first; it < roundEnd; it++) {
            steps.add(tasks.forIteration(it, null, null));
        }
        SparkContext sc = jsc.sc();
        String interrupt = sc.getLocalProperty("spark.job.interruptOnCancel");
        jsc.setJobDescription("iterations " + (first + 1) + "-" + roundEnd + " (reduce-scatter"
                + (reruns > 0 ? ", rerun " + reruns : "") + ")");
        // A rerun cancels the tasks still waiting for a peer that is gone: they must be interrupted, not left waiting.
        sc.setLocalProperty("spark.job.interruptOnCancel", "true");
        try {
            job = GradientSum.submit(shards.rdd(), new ShardedRound(coordinator.address(), layout,
                    UpdateRuleType.parse(rule.name()), round, reruns, steps));
        } finally {
            sc.setLocalProperty("spark.job.interruptOnCancel", interrupt);
        }
    }

    /**
     * The round's tasks exchange data, so all must run at once: waits for the cluster to offer a slot per partition
     * (executors may still be registering, or coming back after a loss), then refuses.
     */
    private void awaitSlots(boolean firstRound) {
        SparkContext sc = jsc.sc();
        int partitions = layout.partitions();
        long deadline = System.currentTimeMillis() + SLOTS_WAIT_MILLIS;
        while (true) {
            // Spark's own count of task slots (what its barrier-mode check uses), not part of its public API.
            int slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
            if (slots >= partitions) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                String message = EXCHANGE + "=" + REDUCE_SCATTER + " runs a task per partition at once, but the "
                        + "cluster offers " + slots + " task slots for " + partitions + " partitions; give --partitions "
                        + slots + " or fewer, or more executors or cores";
                if (firstRound) {
                    throw new BadInputException(message);
                }
                throw new TrainingFailedException(message);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for task slots", e);
            }
        }
    }

    /** Cancels the round's job (its tasks are interrupted) and waits for it to end. */
    private void cancel() {
        if (job != null) {
            job.future().cancel();
            try {
                job.future().get();
            } catch (Exception expected) {
                // cancelled: nothing of it is used
            }
        }
    }

    @Override
    public void close() {
        coordinator.close();
        cancel();
    }
}
