package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.DropoutKeys;
import captioner.model.ModelSpec;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;

/**
 * What each partition computes in an iteration: the summed loss and gradient of its share of the
 * minibatch. Captions go through the model in micro-batches of at most {@link #MICRO_BATCH}, which
 * bounds the (T·N, V) score buffer whatever the share (a full batch can be the whole partition).
 *
 * <p>It is the job's task function itself, a named class rather than a closure: Spark then skips
 * its closure cleaner, which otherwise re-reads class files with ASM on every job (about 5 ms per
 * iteration on a 2-core machine). In local mode the task waits for its iteration's parameters and
 * reports its sum through the run's {@link LocalExchange}.
 */
final class PartitionGradient extends AbstractFunction1<Iterator<CaptionShard>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 2L;
    static final int MICRO_BATCH = 256;

    private final Broadcast<?> params;
    private final ModelSpec config;
    private final DType dtype;
    private final int[] shares;
    private final boolean fullBatch;
    private final long seed;
    private final long iteration;
    private final String exchangeRun;
    private final int failTask;

    /**
     * @param params      the iteration's broadcast of the parameter array; null when they pass through
     *                    {@link LocalExchange} or a {@link ChannelRound} hands them in
     * @param shares      captions per partition this iteration; ignored for full batches (every caption, in order)
     * @param exchangeRun the run key when parameters and gradients pass through {@link LocalExchange}; else null
     * @param failTask    the partition whose first attempt fails on purpose this iteration, or -1 (fault injection,
     *                    {@link Trainer#FAIL_TASK_ONCE})
     */
    PartitionGradient(Broadcast<?> params, ModelSpec config, DType dtype, int[] shares, boolean fullBatch, long seed,
                      long iteration, String exchangeRun, int failTask) {
        if (params != null && exchangeRun != null) {
            throw new IllegalArgumentException("parameters come by broadcast or through the local exchange, not both");
        }
        this.params = params;
        this.config = config;
        this.dtype = dtype;
        this.shares = shares;
        this.fullBatch = fullBatch;
        this.seed = seed;
        this.iteration = iteration;
        this.exchangeRun = exchangeRun;
        this.failTask = failTask;
    }

    @Override
    public PartialGradient apply(Iterator<CaptionShard> shards) {
        TaskContext task = TaskContext.get();
        return compute(task.partitionId(), task.attemptNumber(), shards.next());
    }

    PartialGradient compute(int partition, int attempt, CaptionShard shard) {
        LocalExchange exchange = exchangeRun != null ? LocalExchange.of(exchangeRun) : null;
        long asked = System.nanoTime();
        Object value = exchange != null ? exchange.awaitParameters(iteration) : params.value();
        return compute(partition, attempt, shard, value, asked, exchange);
    }

    long iteration() {
        return iteration;
    }

    /**
     * The partition's sum on {@code value} (float[] or double[]), asked for at {@code asked}
     * ({@link System#nanoTime}); {@code exchange} is the local exchange the sum goes to, or null.
     */
    PartialGradient compute(int partition, int attempt, CaptionShard shard, Object value, long asked,
                            LocalExchange exchange) {
        if (partition == failTask && attempt == 0) {
            throw new IllegalStateException("injected failure (" + Trainer.FAIL_TASK_ONCE + ") in partition " + partition
                    + " at iteration " + (iteration + 1));
        }
        long start = System.nanoTime();
        Tensor p = value instanceof float[] f ? Tensor.wrap(f, f.length) : Tensor.wrap((double[]) value, ((double[]) value).length);
        ModelCache cache = ModelCache.forThread(config, dtype, p);
        Tensor grads = exchange != null ? exchange.zeroedGradient(partition, dtype, p.size()) : cache.zeroedGrads();
        int count = fullBatch ? shard.numCaptions() : shares[partition];
        Batches batches = Batches.forThread(shard, dtype, MICRO_BATCH);
        int[] rows = batches.rows(count);
        if (fullBatch) {
            for (int i = 0; i < count; i++) {
                rows[i] = i;
            }
        } else if (count > 0) {
            BatchPlan.sampleRows(seed, iteration, partition, shard.numCaptions(), rows, count);
        }
        double loss = 0;
        for (int from = 0; from < count; from += MICRO_BATCH) {
            int n = Math.min(MICRO_BATCH, count - from);
            batches.gather(rows, from, n);
            loss += cache.model().lossSum(batches.features(n), batches.captions(n), shard.captionLength(), grads,
                    new DropoutKeys(seed, iteration, partition, from));
        }
        long nanos = System.nanoTime() - start;
        if (exchange == null) {
            return new PartialGradient(partition, loss, count, nanos, start - asked, grads);
        }
        PartialGradient partial = PartialGradient.shared(partition, loss, count, nanos, grads);
        exchange.done(iteration, partial);
        return partial;
    }
}
