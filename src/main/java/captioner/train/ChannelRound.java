package captioner.train;

import captioner.data.CaptionShard;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.List;

/**
 * A partition's task for a round of consecutive iterations over the {@link ParameterChannel}: it
 * fetches an iteration's parameters, computes its sum, uploads it, and asks for the next iteration,
 * which the driver answers once it has summed and updated. A retried attempt starts at whichever
 * iteration the driver is at. It is the job's task function itself (see {@link PartitionGradient}
 * for why a named class); its result is null, the sums went up the channel.
 */
final class ChannelRound extends AbstractFunction1<Iterator<CaptionShard>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ParameterChannel.Address channel;
    /** One per iteration of the round, in order; their parameters come from the channel. */
    private final PartitionGradient[] steps;

    ChannelRound(ParameterChannel.Address channel, List<PartitionGradient> steps) {
        this.channel = channel;
        this.steps = steps.toArray(new PartitionGradient[0]);
    }

    @Override
    public PartialGradient apply(Iterator<CaptionShard> shards) {
        CaptionShard shard = shards.next();
        TaskContext task = TaskContext.get();
        long first = steps[0].iteration();
        long end = first + steps.length;
        for (long k = first; k < end; ) {
            ChannelClient.Fetched f = ChannelClient.fetch(channel, k);
            // The task's parameter time is the transfer; the wait for the driver before it is the driver's sum and update.
            long asked = System.nanoTime() - f.transferNanos();
            if (f.iteration() >= end) {
                break; // a late attempt: the round is over
            }
            PartitionGradient step = steps[(int) (f.iteration() - first)];
            ChannelClient.upload(channel, f.iteration(),
                    step.compute(task.partitionId(), task.attemptNumber(), shard, f.params(), asked, null));
            k = f.iteration() + 1;
        }
        return null;
    }
}
