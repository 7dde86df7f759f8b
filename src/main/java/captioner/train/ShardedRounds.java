package captioner.train;

import captioner.data.CaptionShard;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduce-scatter exchange ({@link Exchange#REDUCE_SCATTER}): the driver no longer carries parameters or gradients.
 * The flat vector is cut into one slice per partition ({@link ShardLayout}); each partition's task owns its slice of
 * the parameters and of the update rule's state, and the tasks stream gradient slices to their owners, their
 * slices' sums of squares to each other and new parameter slices to each other, executor to executor
 * ({@link ShardedRound}, {@link PeerServer}). Every owner adds its slice's P gradients in partition order, decides
 * the iteration from the partitions' loss sums and sums of squares ({@link StepDecision}: the finiteness check, the
 * global norm as {@link captioner.nn.GradientClipping#norm(Tensor, int)} defines it in every design, the clipping)
 * and applies the update rule's arithmetic to its slice, so the result is bitwise the driver's update of the default
 * design. What the driver decides ahead (the learning rate of each iteration, when a checkpoint is due: its
 * {@link Plan}) goes with the round; the driver only follows, from one-way reports of each iteration
 * ({@link ShardCoordinator}), so no iteration waits for it.
 *
 * <p>One Spark job runs a round of up to {@link ChannelRounds#ROUND} iterations, all its tasks at once (so the
 * cluster needs a task slot per partition). At the round's end, at every checkpoint and when the loss or norm is not
 * finite, the owners upload their slices of the state and wait until the driver has read them, so the driver's
 * parameters and update-rule state are then exactly the default design's: checkpoints, resume and the end of a run
 * are unchanged. A retried task (it failed, or its executor was lost) has lost its slice of the state: the round is
 * then cancelled and rerun from the driver's last complete state, and the reports of the iterations the driver had
 * already taken are checked to be the same bits (everything being a pure function of that state). An executor lost
 * with its task slot is noticed at once (the retried task could not start while the others wait for it): the round
 * is rerun as soon as the cluster offers a slot per partition again, and when it does not within
 * {@link Exchange#SLOTS_WAIT} the run fails ({@link SlotsGone}), resumable.
 */
final class ShardedRounds implements AutoCloseable {
    /** What the driver learned of an iteration, and when ({@link System#nanoTime}). */
    record Outcome(double lossSum, long captions, double norm, long startNanos, long reportedNanos, long endNanos,
                   long paramsNanos, long computeNanos, long reduceNanos) {
    }

    /** What the driver decides ahead of each iteration, a pure function of the iteration: it goes with a round. */
    interface Plan {
        /** The learning rate of the iteration after {@code it}, given {@code it}'s. */
        double nextLearningRate(long it, double learningRate);

        /** Whether a checkpoint is due after iteration {@code it}: the owners then upload the state. */
        boolean checkpointDue(long it);
    }

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final GradientRounds.Tasks tasks;
    private final Tensor params;
    private final UpdateRule rule;
    private final Plan plan;
    private final Double clipNorm;
    private final ShardLayout layout;
    private final ShardCoordinator coordinator;
    private final long end;
    private final java.io.PrintStream log;
    private final long waitMillis;
    private GradientSum.Job job;
    /** The peers last printed, and whether the round just submitted has yet to print its own. */
    private ShardCoordinator.Peer[] peersSaid;
    private boolean announce;
    private int round = -1;
    private int reruns;
    private long roundEnd = -1;
    /** The current round's first iteration, and the learning rate of each of its iterations from there. */
    private long roundFirst;
    private double[] learningRates;
    /** The iteration the driver's state is at: where a rerun starts. */
    private long settled;
    /** The last iteration the driver took, and when ({@link System#nanoTime}) the owners went on from it. */
    private long taken = -1;
    private long takenNanos;

    /**
     * @param params the driver's parameters and {@code rule} its update rule, brought up to date at every upload
     * @param plan   the learning rates and checkpoints the driver will ask for
     * @param clipNorm the clipping bound, or null: no clipping
     * @param first  the iteration the run starts at (the state's)
     * @param end    the iteration the run stops before
     * @param log    where the peers' addresses and a rerun are reported
     * @param waitMillis how long a round waits for a task slot per partition ({@link Exchange#SLOTS_WAIT})
     */
    ShardedRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, GradientRounds.Tasks tasks, Tensor params,
                  UpdateRule rule, Plan plan, Double clipNorm, long first, long end, java.io.PrintStream log,
                  long waitMillis) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.params = params;
        this.rule = rule;
        this.plan = plan;
        this.clipNorm = clipNorm;
        this.end = end;
        this.log = log;
        this.waitMillis = waitMillis;
        this.settled = first;
        this.layout = ShardLayout.of(params, rule, shards.getNumPartitions());
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host");
        this.coordinator = new ShardCoordinator(conf.get("spark.driver.bindAddress", host), host, layout);
    }

    /** The cluster no longer offers a task slot per partition, and did not again within the wait. */
    static final class SlotsGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SlotsGone(String message) {
            super(message);
        }
    }

    /**
     * Follows iteration {@code it} to its end on the executors, at {@code learningRate} (the plan's): they update their
     * slices unless the loss or norm is not finite; when a checkpoint is due, at the round's end or when not finite,
     * the driver's parameters and update-rule state are then that iteration's.
     */
    Outcome iterate(long it, double learningRate) {
        // The owners went on to iteration it when the driver's state after it - 1 was read, or else as soon as they
        // had reported it: the iteration's window starts there, so it holds the slowest task's compute.
        long start = taken == it - 1 && it < roundEnd ? takenNanos : System.nanoTime();
        if (it >= roundEnd) {
            startRound(it, learningRate);
        }
        double planned = learningRates[(int) (it - roundFirst)];
        if (Double.doubleToRawLongBits(planned) != Double.doubleToRawLongBits(learningRate)) {
            throw new IllegalStateException("iteration " + (it + 1) + " runs at learning rate " + learningRate
                    + " but its round was planned with " + planned);
        }
        ShardCoordinator.Reports arrived;
        while (true) {
            try {
                arrived = coordinator.awaitReports(it, this::checkRunning);
                break;
            } catch (ShardCoordinator.Broken e) {
                rerun(e);
            }
        }
        ShardCoordinator.Report[] reports = arrived.reports();
        if (announce) {
            announcePeers();
        }
        int p = reports.length;
        double[] lossSums = new double[p];
        long[] captions = new long[p];
        double[] sumSquares = new double[p];
        long paramsNanos = 0;
        long computeNanos = 0;
        long reduceNanos = 0;
        for (int q = 0; q < p; q++) {
            ShardCoordinator.Report r = reports[q];
            lossSums[q] = r.lossSum();
            captions[q] = r.captions();
            sumSquares[q] = r.sumSquares();
            paramsNanos = Math.max(paramsNanos, r.paramsNanos());
            computeNanos = Math.max(computeNanos, r.computeNanos());
            reduceNanos = Math.max(reduceNanos, r.reduceNanos());
        }
        StepDecision d = StepDecision.of(lossSums, captions, sumSquares, clipNorm);
        long reported = Math.max(start, arrived.arrivedNanos());
        long end = reported;
        if (d.uploads(plan.checkpointDue(it), it + 1 == roundEnd)) {
            receiveState(it);
            end = System.nanoTime();
        }
        taken = it;
        takenNanos = end;
        // The owners' times, fitted into the driver's window: they started the iteration when their reports of the
        // last were sent, which reach the driver a little later; so the parts add up to the iteration.
        long window = reported - start;
        long compute = Math.min(computeNanos, window);
        long reduce = Math.min(reduceNanos, window - compute);
        long params = Math.min(paramsNanos, window - compute - reduce);
        return new Outcome(d.lossSum(), d.captions(), d.norm(), start, reported, end, params, compute, reduce);
    }

    /** Waits for every owner's slices of the state after iteration {@code it} and makes them the driver's. */
    private void receiveState(long it) {
        double[][] scalars;
        while (true) {
            try {
                scalars = coordinator.awaitUploads(it, this::checkRunning);
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

    /**
     * Waits for the last round's job, then submits the one of the iterations from {@code first}, which runs at
     * {@code learningRate}; the plan gives the rest.
     */
    private void startRound(long first, double learningRate) {
        if (job != null) {
            job.await();
        }
        awaitSlots();
        roundEnd = Math.min(end, first + ChannelRounds.ROUND);
        roundFirst = first;
        learningRates = new double[(int) (roundEnd - first)];
        learningRates[0] = learningRate;
        for (int i = 1; i < learningRates.length; i++) {
            learningRates[i] = plan.nextLearningRate(first + i - 1, learningRates[i - 1]);
        }
        reruns = 0;
        submit(first);
    }

    /** A task of the round was retried, or an executor lost: cancels the round's job and reruns it from the driver's state. */
    private void rerun(ShardCoordinator.Broken cause) {
        log.printf("%s: rerunning iterations %d-%d from the driver's state%n", cause.getMessage(), settled + 1,
                roundEnd);
        cancel();
        reruns++;
        awaitSlots();
        submit(settled);
    }

    /**
     * Between waits for the round: throws when its job has failed, and {@link ShardCoordinator.Broken} when the
     * cluster has lost a task slot the round needs (an executor was lost: its task's retry cannot start while the
     * others hold their slots waiting for it).
     */
    private void checkRunning() {
        job.checkRunning();
        int slots = GradientSum.slots(jsc.sc());
        if (slots < layout.partitions()) {
            throw new ShardCoordinator.Broken("an executor was lost: the cluster offers "
                    + Exchange.slotsFor(slots, layout.partitions()));
        }
    }

    /** Prints where the round's peer servers listen, when they differ from what was printed last. */
    private void announcePeers() {
        announce = false;
        ShardCoordinator.Peer[] peers = coordinator.peers();
        if (Arrays.asList(peers).contains(null) || Arrays.equals(peers, peersSaid)) {
            return;
        }
        peersSaid = peers;
        StringBuilder line = new StringBuilder("reduce-scatter peers:");
        for (int q = 0; q < peers.length; q++) {
            line.append(q == 0 ? " " : ", ").append("partition ").append(q).append(" at ").append(peers[q].host())
                    .append(':').append(peers[q].port());
        }
        log.println(line);
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
        announce = true;
        int n = (int) (roundEnd - first);
        List<PartitionGradient> steps = new ArrayList<>();
        boolean[] checkpoints = new boolean[n];
        for (long it = first; it < roundEnd; it++) {
            steps.add(tasks.forIteration(it, null, null));
            checkpoints[(int) (it - first)] = plan.checkpointDue(it);
        }
        double[] rates = Arrays.copyOfRange(learningRates, (int) (first - roundFirst), (int) (roundEnd - roundFirst));
        jsc.setJobDescription("iterations " + (first + 1) + "-" + roundEnd + " (reduce-scatter"
                + (reruns > 0 ? ", rerun " + reruns : "") + ")");
        // A rerun cancels the tasks still waiting for a peer that is gone: they must be interrupted, not left waiting.
        job = GradientSum.submitInterruptible(shards.rdd(), new ShardedRound(coordinator.address(), layout,
                UpdateRuleType.parse(rule.name()), round, reruns, steps, rates, checkpoints, clipNorm));
    }

    /**
     * The round's tasks exchange data, so all must run at once: waits for the cluster to offer a slot per partition
     * (executors may be coming back after a loss), then fails.
     */
    private void awaitSlots() {
        int partitions = layout.partitions();
        int slots = Exchange.awaitSlots(jsc.sc(), partitions, waitMillis, log);
        if (slots < partitions) {
            throw new SlotsGone("an executor was lost and the cluster offered " + Exchange.offered(slots, partitions,
                    waitMillis) + "; the reduce-scatter exchange runs a task per partition at once, and with fewer "
                    + "slots the channel gives the same results: resume with --conf " + Exchange.SETTING + "="
                    + Exchange.CHANNEL_VALUE);
        }
    }

    /** Cancels the round's job (its tasks are interrupted) and waits for it to end. */
    private void cancel() {
        if (job != null) {
            job.cancel();
        }
    }

    @Override
    public void close() {
        coordinator.close();
        cancel();
    }
}
