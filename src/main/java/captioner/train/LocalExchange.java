package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkEnv;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands parameters and gradients between the driver and its tasks by reference when both live in
 * one JVM, as in Spark's local mode. There a 10 MB broadcast and a 10 MB task result per partition
 * are serialized and deserialized for nothing: each iteration would spend tens of milliseconds
 * copying what is already in memory. The jobs, tasks and broadcasts stay real Spark ones; only the
 * payload moves by reference. On a cluster, executors are other JVMs and nothing here is used.
 *
 * <p>Each run has its own key. The broadcast carries that key instead of the array; each partition
 * sums its gradient into a buffer of its own, which the driver reads after the job. Iterations
 * are synchronous, so the driver is done with a buffer before a task zeroes it again.
 */
final class LocalExchange {
    private static final Map<String, Object> PARAMS = new ConcurrentHashMap<>();
    private static final Map<String, Tensor> GRADIENTS = new ConcurrentHashMap<>();

    private LocalExchange() {
    }

    /** Whether the calling task runs in the driver's JVM (local mode's executor is the driver). */
    static boolean inDriverJvm() {
        SparkEnv env = SparkEnv.get();
        // Spark names the driver's own executor "driver" (SparkContext.DRIVER_IDENTIFIER, not public API).
        return env != null && "driver".equals(env.executorId());
    }

    /** Publishes the driver's parameter storage (float[] or double[]) for the run's tasks. */
    static void putParams(String run, Object storage) {
        PARAMS.put(run, storage);
    }

    static Object params(String run) {
        Object p = PARAMS.get(run);
        if (p == null) {
            throw new IllegalStateException("no parameters published for run " + run);
        }
        return p;
    }

    /** The partition's gradient buffer, zeroed; allocated on first use and reused after. */
    static Tensor zeroedGradient(String run, int partition, DType dtype, int size) {
        Tensor g = GRADIENTS.compute(run + "/" + partition,
                (k, old) -> old != null && old.dtype() == dtype && old.size() == size ? old : Tensor.zeros(dtype, size));
        g.fill(0);
        return g;
    }

    /** The gradient a partition's task summed into its buffer. */
    static Tensor gradient(String run, int partition) {
        Tensor g = GRADIENTS.get(run + "/" + partition);
        if (g == null) {
            throw new IllegalStateException("no gradient from partition " + partition + " of run " + run);
        }
        return g;
    }

    /** Forgets a finished run's parameters and buffers. */
    static void clear(String run) {
        PARAMS.remove(run);
        GRADIENTS.keySet().removeIf(k -> k.startsWith(run + "/"));
    }
}
