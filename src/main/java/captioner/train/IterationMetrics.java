package captioner.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training iteration measured: a line of OUT/metrics.jsonl, and what {@link TrainingListener}s see.
 *
 * @param iteration         iterations done, this one included
 * @param epoch             epochs completed after this iteration
 * @param loss              the minibatch's mean loss per caption
 * @param learningRate      the learning rate this iteration's update used
 * @param gradNorm          the global L2 norm of the mean gradient, before clipping
 * @param captions          captions in the minibatch (not a metrics.jsonl key: captions_per_s carries it)
 * @param captionsPerSecond captions of the minibatch over the iteration's wall time
 * @param broadcastMs       handing the parameters to the partitions
 * @param computeMs         the slowest partition's forward and backward pass
 * @param aggregationMs     scheduling and the reduction tree: the rest of the gradient's wall time
 * @param updateMs          the driver's update of the parameters
 */
public record IterationMetrics(long iteration, int epoch, double loss, double learningRate, double gradNorm,
                               long captions, double captionsPerSecond, double broadcastMs, double computeMs, double aggregationMs,
                               double updateMs) {

    /** The metrics.jsonl record, keys in {@link RunLayout.Metric}'s order. */
    Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(RunLayout.Metric.ITERATION, iteration);
        m.put(RunLayout.Metric.EPOCH, epoch);
        m.put(RunLayout.Metric.LOSS, loss);
        m.put(RunLayout.Metric.LEARNING_RATE, learningRate);
        m.put(RunLayout.Metric.GRAD_NORM, gradNorm);
        m.put(RunLayout.Metric.CAPTIONS_PER_S, captionsPerSecond);
        m.put(RunLayout.Metric.BROADCAST_MS, broadcastMs);
        m.put(RunLayout.Metric.COMPUTE_MS, computeMs);
        m.put(RunLayout.Metric.AGGREGATION_MS, aggregationMs);
        m.put(RunLayout.Metric.UPDATE_MS, updateMs);
        return m;
    }
}
