package captioner.train;

import captioner.data.CaptionShard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.function.Supplier;

/**
 * The general round, for any master: broadcast the parameters, run one job (plus the reduction
 * tree's shuffles when {@code depth} asks for them), sum in partition order, release the broadcast.
 */
final class BroadcastRounds implements GradientRounds {
    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final Tasks tasks;
    private final int depth;
    private final Supplier<Object> parameters;

    /** @param parameters the driver's current parameter storage (float[] or double[]) */
    BroadcastRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, Tasks tasks, int depth,
                    Supplier<Object> parameters) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.depth = depth;
        this.parameters = parameters;
    }

    @Override
    public Round gradient(long iteration) {
        long start = System.nanoTime();
        Broadcast<Object> params = jsc.broadcast(parameters.get());
        long broadcast = System.nanoTime() - start;
        jsc.setJobDescription("iteration " + (iteration + 1));
        GradientSum.Reduced sum = GradientSum.reduce(shards, tasks.forIteration(iteration, params, null), depth);
        params.destroy(); // not blocking (since Spark 3.0): executors drop their copies while the driver updates

        return new Round(sum.sum(), start, broadcast, sum.nanos());
    }

    @Override
    public void updated(long iteration) {
    }

    @Override
    public void close() {
    }
}
