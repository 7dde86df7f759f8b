package captioner.train;

import captioner.data.CaptionShard;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.List;

/**
 * A partition's task for a round of consecutive iterations in local mode: for each, it waits for the
 * driver to publish the iteration's parameters in the {@link LocalExchange}, computes its sum into
 * its buffer there and reports it, then goes on to the next. The task stays, so Spark launches it
 * once a round rather than once an iteration: after a partition reports, the next iteration starts
 * as soon as the driver has summed and updated, with no task to schedule, deserialize and start.
 * It is the job's task function itself (see {@link PartitionGradient} for why a named class); its
 * result is null, the sums went through the exchange.
 */
final class LocalRound extends AbstractFunction1<Iterator<CaptionShard>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One per iteration of the round, in order, each on the local exchange. */
    private final PartitionGradient[] steps;

    LocalRound(List<PartitionGradient> steps) {
        this.steps = steps.toArray(new PartitionGradient[0]);
    }

    @Override
    public PartialGradient apply(Iterator<CaptionShard> shards) {
        CaptionShard shard = shards.next();
        TaskContext task = TaskContext.get();
        for (PartitionGradient step : steps) {
            step.compute(task.partitionId(), task.attemptNumber(), shard);
        }
        return null;
    }
}
