package captioner.train;

import org.apache.spark.broadcast.Broadcast;

/**
 * Where each iteration's summed gradient comes from: the Spark jobs that compute it and the way
 * the parameters reach their tasks. {@link ChannelRounds} is the cluster's; {@link BroadcastRounds}
 * works on any master and reduction tree; {@link LocalRounds} is local mode's by-reference variant. Either way the driver asks for iteration {@code it}'s sum,
 * updates the parameters, then says so; the next iteration's tasks see exactly those parameters.
 */
interface GradientRounds extends AutoCloseable {

    /** Makes the task function of an iteration. */
    @FunctionalInterface
    interface Tasks {
        /**
         * @param params   the iteration's broadcast, or null when the parameters pass through {@code exchange}
         *                 or the {@link ParameterChannel}
         * @param exchange the run key of the {@link LocalExchange}, or null
         */
        PartitionGradient forIteration(long iteration, Broadcast<?> params, String exchange);
    }

    /**
     * An iteration's ordered sum over all partitions, when the iteration started ({@link System#nanoTime}:
     * when its parameters were ready for the tasks), how long the broadcast took and how long the driver's
     * ordered sum of the partials it received took.
     */
    record Round(PartialGradient sum, long startNanos, long broadcastNanos, long reduceNanos) {
    }

    /** Iteration {@code iteration}'s summed gradient on the driver's current parameters. */
    Round gradient(long iteration);

    /** The driver has applied iteration {@code iteration}'s update: the parameters are those of the next one. */
    void updated(long iteration);

    /** Stops any job still scheduled; safe to call after a failure. */
    @Override
    void close();
}
