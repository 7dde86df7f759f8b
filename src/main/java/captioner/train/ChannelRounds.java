package captioner.train;

import captioner.data.CaptionShard;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's rounds: parameters and gradients travel over the driver's {@link ParameterChannel},
 * and one Spark job runs a {@link ChannelRound round} of up to {@link #ROUND} iterations, its tasks
 * staying for all of them, so Spark's per-job scheduling (tens of milliseconds on a cluster) is paid
 * once a round instead of every iteration. The tasks of a round must all run at once, so rounds are
 * used when the cluster has a task slot for every partition; otherwise each job is one iteration. A
 * failed task, or one whose executor was lost, is retried by Spark as usual and picks up at the
 * driver's iteration; the others wait for it. When the cluster no longer offers a slot per partition
 * (an executor lost, not yet replaced), the retry could not start while the others hold their slots
 * waiting for it: the round's job is then cancelled and its iterations run one job each, the uploads
 * already in kept. (Not a barrier stage: Spark does not retry a failed barrier result stage.) The driver sums the uploads in partition order, as {@link BroadcastRounds}
 * does with a one-level reduction, so the bits are the same; more partitions than one level takes,
 * or Spark's authentication or encryption (the channel has neither), use {@link BroadcastRounds}.
 */
final class ChannelRounds implements GradientRounds {
    /**
     * Spark setting: false sends parameters by broadcast and gradients as task results (the older design), also
     * where the default exchange would take the reduce-scatter ({@link Exchange}).
     */
    static final String ENABLED = "spark.captioner.parameterChannel";
    /** Spark setting: the driver port the channel listens on (default 0: any free port). */
    static final String PORT = "spark.captioner.parameterChannel.port";
    /** Iterations per job when every partition's task fits in the cluster at once. */
    static final int ROUND = 100;

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final Tasks tasks;
    private final Supplier<Object> parameters;
    private final ParameterChannel channel;
    private final long end;
    private final java.io.PrintStream log;
    private final List<Tensor> summed = new ArrayList<>();
    private GradientSum.Job job;
    private long roundFirst;
    private long roundEnd = -1;

    /**
     * @param parameters the driver's current parameter storage (float[] or double[]) of {@code size} elements
     * @param end        the iteration the run stops before
     * @param log        where a round given up for lack of slots is reported
     */
    ChannelRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, Tasks tasks, Supplier<Object> parameters,
                  DType dtype, int size, long end, java.io.PrintStream log) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.parameters = parameters;
        this.end = end;
        this.log = log;
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host");
        String bind = conf.get("spark.driver.bindAddress", host);
        int port = port(conf.get(PORT, "0"));
        try {
            this.channel = new ParameterChannel(bind, host, port, shards.getNumPartitions(), dtype, size);
        } catch (RuntimeException e) {
            throw new captioner.BadInputException("cannot open the parameter channel on " + bind + ":" + port + " ("
                    + PORT + "): " + e.getMessage() + "; set another port, or " + ENABLED + "=false");
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new captioner.BadInputException(PORT + " is '" + value + "'; expected a port number 0-65535 (0: any free one)");
    }

    @Override
    public Round gradient(long iteration) {
        long start = System.nanoTime();
        if (iteration >= roundEnd) {
            startRound(iteration);
        }
        long published = channel.publish(iteration, parameters.get());
        ParameterChannel.Uploads uploads;
        while (true) {
            try {
                uploads = channel.awaitUploads(iteration, this::checkRunning);
                break;
            } catch (SlotLost e) {
                log.printf("an executor was lost: the cluster offers %s: from iteration %d one job per iteration, "
                        + "until it offers a slot per partition again%n", Exchange.slotsFor(e.slots,
                        shards.getNumPartitions()), iteration + 1);
                job.cancel();
                submit(iteration, iteration + 1);
            }
        }
        long reduce = System.nanoTime();
        PartialGradient[] parts = uploads.parts();
        for (PartialGradient p : parts) {
            summed.add(p.gradient());
        }
        PartialGradient last = parts[lastToArrive(uploads.arrivals())];
        PartialGradient sum = GradientSum.sumInOrder(List.of(parts));
        long end = System.nanoTime();
        // The metrics split the iteration's wall time into parts that add up: the last task's transfer, bounded
        // by what the slowest task's compute (perhaps another task's, in parallel) leaves of the window.
        sum.paramsNanos = Math.max(0, Math.min(last.paramsNanos, (end - published) - sum.computeNanos - (end - reduce)));
        return new Round(sum, start, published - start, end - reduce);
    }

    /** The partition whose upload arrived last: its task's parameter transfer is the iteration's. */
    private static int lastToArrive(long[] arrivals) {
        int last = 0;
        for (int p = 1; p < arrivals.length; p++) {
            if (arrivals[p] > arrivals[last]) {
                last = p;
            }
        }
        return last;
    }

    /** The cluster offers fewer task slots than a round's partitions. */
    private static final class SlotLost extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int slots;

        SlotLost(int slots) {
            super(null, null, false, false);
            this.slots = slots;
        }
    }

    /**
     * Between waits for uploads: throws when the job has failed, and {@link SlotLost} when a round's tasks can no
     * longer all run (a lost executor's retried task would wait for a slot the others hold).
     */
    private void checkRunning() {
        job.checkRunning();
        int slots = GradientSum.slots(jsc.sc());
        if (roundEnd - roundFirst > 1 && slots < shards.getNumPartitions()) {
            throw new SlotLost(slots);
        }
    }

    /** Waits for the last round's job, then submits the one of the iterations from {@code first}. */
    private void startRound(long first) {
        if (job != null) {
            job.await();
        }
        boolean together = GradientSum.runTogether(jsc.sc(), shards.getNumPartitions());
        submit(first, together ? Math.min(end, first + ROUND) : first + 1);
    }

    /** Submits the job of iterations {@code first} to {@code last} (exclusive). */
    private void submit(long first, long last) {
        roundFirst = first;
        roundEnd = last;
        List<PartitionGradient> steps = new ArrayList<>();
        for (long it = first; it < roundEnd; it++) {
            steps.add(tasks.forIteration(it, null, null));
        }
        jsc.setJobDescription(roundEnd - first == 1 ? "iteration " + (first + 1)
                : "iterations " + (first + 1) + "-" + roundEnd);
        // A round given up is cancelled while its tasks wait for parameters: they must be interrupted, not left
        // holding their slots (what they uploaded for the current iteration is kept).
        job = GradientSum.submitInterruptible(shards.rdd(), new ChannelRound(channel.address(), steps));
    }

    @Override
    public void updated(long iteration) {
        channel.recycle(summed);
        summed.clear();
    }

    /** Fails the tasks still waiting for parameters, then waits for their job to end. */
    @Override
    public void close() {
        channel.close();
        if (job != null) {
            job.cancel();
        }
    }
}
