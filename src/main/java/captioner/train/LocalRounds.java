package captioner.train;

import captioner.data.CaptionShard;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Local mode's round: tasks read the parameters and leave their gradients by reference
 * ({@link LocalExchange}), and, where that is safe, the tasks stay: one job runs a
 * {@link LocalRound} of up to {@link #ROUND} iterations, each task waiting for the driver to
 * publish an iteration's parameters, computing, reporting, and going on to the next. Spark's
 * per-job and per-task work (scheduling, launch, deserialization, the result path: 5–10 ms per
 * iteration on a 2-core machine, over a third of a small model's step) is then paid once a round,
 * and the next round's job is submitted one iteration early so that even that overlaps the
 * compute. The arithmetic is unchanged: each task still computes on exactly the parameters after
 * the previous update, and the driver sums in partition order.
 *
 * <p>Tasks that wait for one another need every task of a job to hold a slot at once, and a waiting
 * task must never hold the slot a retried task needs: so rounds are used only with FIFO scheduling,
 * no speculation and no task retries ({@code local} or {@code local[N]}, not {@code local[N,F]}) and
 * a slot for every partition. With no retries but fewer slots, each iteration is a job of its own,
 * still submitted one iteration early (its tasks are scheduled while the previous iteration
 * computes); otherwise each job is submitted when its iteration starts and awaited whole.
 */
final class LocalRounds implements GradientRounds {
    private static final Pattern WITHOUT_RETRIES = Pattern.compile("local(\\[(\\d+|\\*)])?");

    /** Iterations per job when the tasks may stay. */
    static final int ROUND = 100;

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final Tasks tasks;
    private final LocalExchange exchange;
    private final long end;
    private final boolean ahead;
    /** Iterations per job: {@link #ROUND} where the tasks stay, else 1. */
    private final int roundLength;
    /** Submitted jobs not yet done with, oldest first; the first holds the iteration being computed. */
    private final ArrayDeque<Submitted> jobs = new ArrayDeque<>();
    private long nextSubmitted;
    /** The last job whose iterations are all reported: Spark may still be finishing it. */
    private GradientSum.Job finishing;

    /** A job and the last iteration it computes. */
    private record Submitted(GradientSum.Job job, long last) {
    }

    /**
     * @param parameters the driver's parameter storage (float[] or double[]), holding those of iteration {@code first}
     * @param end        the iteration the run stops before; no job is scheduled for it or later
     */
    LocalRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, Tasks tasks, Object parameters, long first,
                long end) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.exchange = LocalExchange.open(parameters, shards.getNumPartitions(), first);
        this.end = end;
        this.ahead = schedulesAhead(jsc.sc());
        this.roundLength = ahead && GradientSum.runTogether(jsc.sc(), shards.getNumPartitions()) ? ROUND : 1;
        this.nextSubmitted = first;
    }

    /** Whether this Spark context runs every task of a job once, in job order (see the class comment). */
    static boolean schedulesAhead(SparkContext sc) {
        return schedulesAhead(sc.master(), sc.conf());
    }

    static boolean schedulesAhead(String master, SparkConf conf) {
        return WITHOUT_RETRIES.matcher(master.replace(" ", "")).matches()
                && !conf.getBoolean("spark.speculation", false)
                && "FIFO".equalsIgnoreCase(conf.get("spark.scheduler.mode", "FIFO"));
    }

    @Override
    public Round gradient(long iteration) {
        long start = ahead ? exchange.publishedAt() : System.nanoTime();
        submitThrough(ahead ? Math.min(iteration + 1, end - 1) : iteration);
        if (finishing != null) {
            finishing.await(); // done by now, or nearly: this only surfaces a late failure
            finishing = null;
        }
        Submitted current = jobs.getFirst();
        if (!ahead) {
            current.job().await();
        }
        PartialGradient[] reports = exchange.awaitReports(iteration, current.job()::checkRunning);
        if (iteration == current.last()) {
            jobs.removeFirst();
            if (iteration == end - 1) {
                current.job().await(); // the last job is not left behind unchecked
            } else {
                finishing = current.job();
            }
        }
        long reduce = System.nanoTime();
        PartialGradient sum = GradientSum.sumInOrder(Arrays.asList(reports));
        return new Round(sum, start, 0, System.nanoTime() - reduce);
    }

    /** Submits the jobs of every iteration through {@code iteration} not yet submitted. */
    private void submitThrough(long iteration) {
        while (nextSubmitted <= iteration) {
            long last = Math.min(end, nextSubmitted + roundLength) - 1;
            List<PartitionGradient> steps = new ArrayList<>();
            for (long it = nextSubmitted; it <= last; it++) {
                steps.add(tasks.forIteration(it, null, exchange.key));
            }
            jsc.setJobDescription(last == nextSubmitted ? "iteration " + (last + 1)
                    : "iterations " + (nextSubmitted + 1) + "-" + (last + 1));
            jobs.addLast(new Submitted(GradientSum.submit(shards.rdd(),
                    steps.size() == 1 ? steps.get(0) : new LocalRound(steps)), last));
            nextSubmitted = last + 1;
        }
    }

    @Override
    public void updated(long iteration) {
        exchange.publish(iteration + 1);
    }

    /** Releases the tasks still waiting (they fail), cancels their jobs and waits for them to end. */
    @Override
    public void close() {
        exchange.close();
        List<GradientSum.Job> left = new ArrayList<>();
        if (finishing != null) {
            left.add(finishing);
        }
        for (Submitted s : jobs) {
            s.job().future().cancel();
            left.add(s.job());
        }
        for (GradientSum.Job job : left) {
            try {
                job.future().get();
            } catch (Exception expected) {
                // cancelled, or failed because the run ended: nothing of it is used
            }
        }
        jobs.clear();
        finishing = null;
    }
}
