package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands parameters and gradients between the driver and its tasks by reference when both live in
 * one JVM, as in Spark's local mode. There a 10 MB broadcast and a 10 MB task result per partition
 * would be serialized and deserialized for nothing each iteration. The jobs and tasks stay real
 * Spark ones; only the payload moves by reference. On a cluster, executors are other JVMs and
 * nothing here is used.
 *
 * <p>It is also the iteration barrier that lets the next iteration's job be scheduled early
 * ({@link LocalRounds}): a task waits until the driver has {@linkplain #publish published} the
 * parameters of its iteration, and {@linkplain #done reports} its partial gradient as soon as it has
 * summed it. Each partition sums into a buffer of its own, which the driver reads before it
 * publishes the next parameters; a task zeroes its buffer only after that.
 */
final class LocalExchange implements AutoCloseable {
    private static final Map<String, LocalExchange> RUNS = new ConcurrentHashMap<>();

    final String key = java.util.UUID.randomUUID().toString();
    private final Object params;
    private final Tensor[] gradients;
    private final PartialGradient[] reports;
    private final long[] reportedIteration;
    /** The iteration whose parameters the array holds; tasks of that iteration may run. */
    private long published;
    private long publishedAt;
    private boolean closed;

    /**
     * Opens an exchange over the driver's parameter storage (float[] or double[]), which holds the
     * parameters of iteration {@code first}.
     */
    static LocalExchange open(Object params, int partitions, long first) {
        LocalExchange e = new LocalExchange(params, partitions, first);
        RUNS.put(e.key, e);
        return e;
    }

    private LocalExchange(Object params, int partitions, long first) {
        this.params = params;
        this.gradients = new Tensor[partitions];
        this.reports = new PartialGradient[partitions];
        this.reportedIteration = new long[partitions];
        java.util.Arrays.fill(reportedIteration, -1);
        this.published = first;
        this.publishedAt = System.nanoTime();
    }

    /** The exchange a task's run key names. */
    static LocalExchange of(String key) {
        SparkEnv env = SparkEnv.get();
        // Spark names the driver's own executor "driver" (SparkContext.DRIVER_IDENTIFIER, not public API).
        if (env == null || !"driver".equals(env.executorId())) {
            throw new IllegalStateException("the local exchange only works inside the driver's JVM");
        }
        LocalExchange e = RUNS.get(key);
        if (e == null) {
            throw new IllegalStateException("run " + key + " has ended");
        }
        return e;
    }

    // ---------------------------------------------------------------------------------------- task side

    /** Waits until the parameters of {@code iteration} are published, then returns their storage. */
    synchronized Object awaitParameters(long iteration) {
        TaskContext task = TaskContext.get();
        while (published < iteration && !closed) {
            if (task != null) {
                task.killTaskIfInterrupted();
            }
            try {
                wait(1000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the parameters of iteration "
                        + (iteration + 1), ex);
            }
        }
        if (closed) {
            throw new IllegalStateException("run " + key + " ended before iteration " + (iteration + 1));
        }
        if (published != iteration) {
            throw new IllegalStateException("a task of iteration " + (iteration + 1) + " found the parameters of "
                    + (published + 1));
        }
        return params;
    }

    /** The partition's gradient buffer, zeroed; allocated on first use and reused after. */
    synchronized Tensor zeroedGradient(int partition, DType dtype, int size) {
        Tensor g = gradients[partition];
        if (g == null || g.dtype() != dtype || g.size() != size) {
            g = gradients[partition] = Tensor.zeros(dtype, size);
        }
        g.fill(0);
        return g;
    }

    /** Records that {@code partial}'s partition has summed its gradient for {@code iteration}. */
    synchronized void done(long iteration, PartialGradient partial) {
        reports[partial.index] = partial;
        reportedIteration[partial.index] = iteration;
        notifyAll();
    }

    // -------------------------------------------------------------------------------------- driver side

    /** The parameter array now holds the parameters of {@code iteration}: its waiting tasks go. */
    synchronized void publish(long iteration) {
        published = iteration;
        publishedAt = System.nanoTime();
        notifyAll();
    }

    /** When ({@link System#nanoTime}) the current parameters were published. */
    synchronized long publishedAt() {
        return publishedAt;
    }

    /**
     * Waits until every partition has reported {@code iteration} and returns the reports in
     * partition order. {@code check} runs about every 10 ms while waiting and throws if the
     * iteration's job has failed.
     */
    synchronized PartialGradient[] awaitReports(long iteration, Runnable check) {
        while (!allReported(iteration)) {
            if (closed) {
                throw new IllegalStateException("run " + key + " ended while waiting for iteration " + (iteration + 1));
            }
            check.run();
            try {
                wait(10);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for iteration " + (iteration + 1), ex);
            }
        }
        return reports.clone();
    }

    private boolean allReported(long iteration) {
        for (long r : reportedIteration) {
            if (r != iteration) {
                return false;
            }
        }
        return true;
    }

    /** Ends the run: waiting tasks fail, and the buffers are forgotten. */
    @Override
    public synchronized void close() {
        closed = true;
        RUNS.remove(key);
        notifyAll();
    }
}
