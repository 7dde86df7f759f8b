package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.Iterator;
import java.util.List;

/**
 * What each partition computes in an iteration: the summed loss and gradient of its share of the
 * minibatch, with the parameters read from the iteration's broadcast. Captions go through the
 * model in micro-batches of at most {@link #MICRO_BATCH}, which bounds the (T·N, V) score buffer
 * whatever the share (a full batch can be the whole partition).
 */
final class PartitionGradient implements Function2<Integer, Iterator<CaptionShard>, Iterator<PartialGradient>> {
    private static final long serialVersionUID = 1L;
    static final int MICRO_BATCH = 256;

    private final Broadcast<?> params;
    private final ModelConfig config;
    private final DType dtype;
    private final int[] shares;
    private final boolean fullBatch;
    private final long seed;
    private final long iteration;
    private final String exchangeRun;
    private final int failTask;

    /**
     * @param params      the iteration's broadcast: the parameter array, or (local mode) the run key under which
     *                    {@link LocalExchange} holds it
     * @param shares      captions per partition this iteration; ignored for full batches (every caption, in order)
     * @param exchangeRun the run key when parameters and gradients pass through {@link LocalExchange}; else null
     * @param failTask    the partition whose first attempt fails on purpose this iteration, or -1 (fault injection,
     *                    {@link Trainer#FAIL_TASK_ONCE})
     */
    PartitionGradient(Broadcast<?> params, ModelConfig config, DType dtype, int[] shares, boolean fullBatch, long seed,
                      long iteration, String exchangeRun, int failTask) {
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
    public Iterator<PartialGradient> call(Integer partition, Iterator<CaptionShard> shards) {
        long start = System.nanoTime();
        CaptionShard shard = shards.next();
        if (partition == failTask && org.apache.spark.TaskContext.get().attemptNumber() == 0) {
            throw new IllegalStateException("injected failure (" + Trainer.FAIL_TASK_ONCE + ") in partition " + partition
                    + " at iteration " + (iteration + 1));
        }
        boolean exchange = exchangeRun != null && LocalExchange.inDriverJvm();
        Object value = exchange ? LocalExchange.params(exchangeRun) : params.value();
        Tensor p = value instanceof float[] f ? Tensor.wrap(f, f.length) : Tensor.wrap((double[]) value, ((double[]) value).length);
        ModelCache cache = ModelCache.forThread(config, dtype, p);
        Tensor grads = exchange ? LocalExchange.zeroedGradient(exchangeRun, partition, dtype, p.size()) : cache.zeroedGrads();
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
            loss += cache.model().lossSum(batches.features(n), batches.captions(n), shard.captionLength(), grads);
        }
        long nanos = System.nanoTime() - start;
        return List.of(exchange ? PartialGradient.inExchange(exchangeRun, partition, loss, count, nanos)
                : new PartialGradient(partition, loss, count, nanos, grads)).iterator();
    }
}
