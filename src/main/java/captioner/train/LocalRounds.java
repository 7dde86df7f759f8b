package captioner.train;

import captioner.data.CaptionShard;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Local mode's round: tasks read the parameters and leave their gradients by reference
 * ({@link LocalExchange}), and, where that is safe, each iteration's job is submitted one
 * iteration early. Its tasks are scheduled, launched and handed their shard while the previous
 * iteration computes, then wait for the driver to publish their parameters. Spark's per-job work
 * (several milliseconds on a 2-core machine) thus overlaps the compute instead of adding to every
 * iteration, and the driver learns that a partition is done from the exchange, not through Spark's
 * result path. The arithmetic is unchanged: each task still computes on exactly the parameters
 * after the previous update, and the driver sums in partition order.
 *
 * <p>Early scheduling needs every task of an iteration to get a slot before the next iteration's
 * tasks take one, or a waiting task could hold the slot a retried task needs: so it is used only
 * with FIFO scheduling, no speculation and no task retries ({@code local} or {@code local[N]}, not
 * {@code local[N,F]}). Otherwise each job is submitted when its iteration starts and awaited whole.
 */
final class LocalRounds implements GradientRounds {
    private static final Pattern WITHOUT_RETRIES = Pattern.compile("local(\\[(\\d+|\\*)])?");

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final Tasks tasks;
    private final LocalExchange exchange;
    private final long end;
    private final boolean ahead;
    /** Submitted jobs not yet awaited, oldest first; the first is for iteration {@code nextAwaited}. */
    private final ArrayDeque<GradientSum.Job> jobs = new ArrayDeque<>();
    private long nextSubmitted;
    /** The last iteration's job: its tasks have reported, Spark may still be finishing it. */
    private GradientSum.Job finishing;

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
        GradientSum.Job job = jobs.removeFirst();
        if (!ahead) {
            job.await();
        }
        PartialGradient[] reports = exchange.awaitReports(iteration, job::checkRunning);
        if (iteration == end - 1) {
            job.await(); // the last job is not left behind unchecked
        } else {
            finishing = job;
        }
        long reduce = System.nanoTime();
        PartialGradient sum = GradientSum.sumInOrder(Arrays.asList(reports));
        return new Round(sum, start, 0, System.nanoTime() - reduce);
    }

    private void submitThrough(long iteration) {
        for (; nextSubmitted <= iteration; nextSubmitted++) {
            jsc.setJobDescription("iteration " + (nextSubmitted + 1));
            jobs.addLast(GradientSum.submit(shards.rdd(), tasks.forIteration(nextSubmitted, null, exchange.key)));
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
        for (GradientSum.Job job : jobs) {
            job.future().cancel();
        }
        if (finishing != null) {
            jobs.addFirst(finishing);
        }
        for (GradientSum.Job job : jobs) {
            try {
                job.future().get();
            } catch (Exception expected) {
                // cancelled, or failed because the run ended: nothing of it is used
            }
        }
        jobs.clear();
    }
}
