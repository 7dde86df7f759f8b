package captioner.train;

import captioner.data.CaptionShard;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reduce-scatter exchange ({@link Exchange#REDUCE_SCATTER}): the driver no longer carries parameters or gradients.
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
 * pure function of that state). An executor lost with its task slot is noticed at once (the retried task could not
 * start while the others wait for it): the round is rerun as soon as the cluster offers a slot per partition again,
 * and when it does not within {@link Exchange#SLOTS_WAIT} the run fails ({@link SlotsGone}), resumable.
 */
final class ShardedRounds implements AutoCloseable {
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
    private final long waitMillis;
    private GradientSum.Job job;
    /** The peers last printed, and whether the round just submitted has yet to print its own. */
    private ShardCoordinator.Peer[] peersSaid;
    private boolean announce;
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
     * @param log    where the peers' addresses and a rerun are reported
     * @param waitMillis how long a round waits for a task slot per partition ({@link Exchange#SLOTS_WAIT})
     */
    ShardedRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, GradientRounds.Tasks tasks, Tensor params,
                  UpdateRule rule, long first, long end, java.io.PrintStream log, long waitMillis) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.params = params;
        this.rule = rule;
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
                reports = coordinator.awaitReports(it, this::checkRunning);
                break;
            } catch (ShardCoordinator.Broken e) {
                rerun(e);
            }
        }
        long reported = System.nanoTime();
        if (announce) {
            announcePeers();
        }
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

    /** Waits for the last round's job, then submits the one of the iterations from {@code first}. */
    private void startRound(long first) {
        if (job != null) {
            job.await();
        }
        awaitSlots();
        roundEnd = Math.min(end, first + ChannelRounds.ROUND);
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
            throw new ShardCoordinator.Broken("an executor was lost: the cluster offers " + slots
                    + (slots == 1 ? " task slot" : " task slots") + " for " + layout.partitions() + " partitions");
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
