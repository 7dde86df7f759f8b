package captioner.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training iteration measured: a line of OUT/metrics.jsonl, and what {@link TrainingListener}s see.
 * The times split the iteration's wall time: {@code iterationMs} = {@code broadcastMs + paramsMs + computeMs +
 * resultsMs + reduceMs + updateMs}, where the task-side parts ({@code paramsMs}, {@code computeMs}) are the slowest
 * task's and {@code resultsMs} is what is left of the gradient's wall time.
 *
 * @param iteration         iterations done, this one included
 * @param epoch             epochs completed after this iteration
 * @param loss              the minibatch's mean loss per caption
 * @param learningRate      the learning rate this iteration's update used
 * @param gradNorm          the global L2 norm of the mean gradient, before clipping
 * @param captions          captions in the minibatch (not a metrics.jsonl key: captions_per_s carries it)
 * @param captionsPerSecond captions of the minibatch over the iteration's wall time
 * @param iterationMs       the iteration's wall time, from its parameters being ready to the next ones'
 * @param broadcastMs       the driver's publishing of the parameters (a broadcast; nothing in local mode)
 * @param paramsMs          the slowest task's wait for its parameters (fetching and deserializing the broadcast)
 * @param computeMs         the slowest task's model computation alone (forward and backward of its share)
 * @param resultsMs         the rest of the gradient's wall time: scheduling and launching the tasks, returning their
 *                          gradients (serialization, transfer, deserialization) and any reduction tree's levels
 * @param reduceMs          the driver's ordered sum of the partial gradients it received
 * @param updateMs          the driver's update of the parameters
 */
public record IterationMetrics(long iteration, int epoch, double loss, double learningRate, double gradNorm,
                               long captions, double captionsPerSecond, double iterationMs, double broadcastMs,
                               double paramsMs, double computeMs, double resultsMs, double reduceMs, double updateMs) {

    /** Everything between the broadcast and the update that is not the slowest task's compute. */
    public double aggregationMs() {
        return paramsMs + resultsMs + reduceMs;
    }

    /** The metrics.jsonl record, keys in {@link RunLayout.Metric}'s order. */
    Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(RunLayout.Metric.ITERATION, iteration);
        m.put(RunLayout.Metric.EPOCH, epoch);
        m.put(RunLayout.Metric.LOSS, loss);
        m.put(RunLayout.Metric.LEARNING_RATE, learningRate);
        m.put(RunLayout.Metric.GRAD_NORM, gradNorm);
        m.put(RunLayout.Metric.CAPTIONS_PER_S, captionsPerSecond);
        m.put(RunLayout.Metric.ITERATION_MS, iterationMs);
        m.put(RunLayout.Metric.BROADCAST_MS, broadcastMs);
        m.put(RunLayout.Metric.PARAMS_MS, paramsMs);
        m.put(RunLayout.Metric.COMPUTE_MS, computeMs);
        m.put(RunLayout.Metric.RESULTS_MS, resultsMs);
        m.put(RunLayout.Metric.REDUCE_MS, reduceMs);
        m.put(RunLayout.Metric.UPDATE_MS, updateMs);
        return m;
    }
}
