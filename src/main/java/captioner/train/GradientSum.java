package captioner.train;

import captioner.data.CaptionShard;
import captioner.data.SparkJobs;
import org.apache.spark.Partitioner;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.Function1;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs an iteration's gradient tasks and sums their partial gradients to the driver through a
 * reduction tree of the given depth, like Spark's {@code treeAggregate}, but every node adds its
 * children in partition order. treeAggregate combines its last level in task-completion order,
 * and floating-point addition is not associative, so its sums vary from run to run; these do not.
 */
final class GradientSum {
    private GradientSum() {
    }

    /** An ordered sum and how long the driver took to add the partials it received ({@link System#nanoTime}). */
    record Reduced(PartialGradient sum, long nanos) {
    }

    /** The ordered sum of {@code task} over every partition of {@code shards}, reduced through {@code depth} levels. */
    static Reduced reduce(JavaRDD<CaptionShard> shards, PartitionGradient task, int depth) {
        int n = shards.getNumPartitions();
        int scale = scale(n, depth);
        if (oneLevel(n, depth)) {
            // The common case is one job whose task function is the gradient itself: no extra RDD, no closure.
            return timedSum(submit(shards.rdd(), task).await());
        }
        JavaRDD<PartialGradient> level = shards.mapPartitionsWithIndex((partition, it) -> List.of(
                task.compute(partition, TaskContext.get().attemptNumber(), it.next())).iterator(), true);
        while (n > scale + (n + scale - 1) / scale) {
            int groups = (n + scale - 1) / scale;
            final int s = scale;
            level = level.mapToPair(p -> new Tuple2<>(p.index / s, p))
                    .partitionBy(new ByIndex(groups))
                    .values()
                    .mapPartitions(group -> List.of(sumInOrder(collect(group))).iterator(), true);
            n = groups;
        }
        return timedSum(submit(level.rdd(), new OnlyElement()).await());
    }

    /** Whether {@code partitions} partials reach the driver directly, with no reduction level between. */
    static boolean oneLevel(int partitions, int depth) {
        int scale = scale(partitions, depth);
        return depth <= 1 || partitions <= scale + (partitions + scale - 1) / scale;
    }

    /**
     * Whether Spark has a task slot for each of {@code partitions} tasks, so that a job's tasks all run at once and
     * may wait for one another (its own count, what its barrier-mode check uses, not part of its public API).
     */
    static boolean runTogether(SparkContext sc, int partitions) {
        return partitions <= slots(sc);
    }

    /** How many tasks Spark can run at once now: its own count of task slots (see {@link #runTogether}). */
    static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    /** Spark's treeAggregate rule: add levels while that shrinks what reaches the driver. */
    private static int scale(int partitions, int depth) {
        return Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    }

    private static Reduced timedSum(List<PartialGradient> parts) {
        long start = System.nanoTime();
        PartialGradient sum = sumInOrder(parts);
        return new Reduced(sum, System.nanoTime() - start);
    }

    /** A submitted job with one partial gradient per partition; {@code name} is its job description. */
    record Job(String name, SimpleFutureAction<BoxedUnit> future, PartialGradient[] results) {
        /** Waits for the job and returns its results in partition order; a failed job fails the run. */
        List<PartialGradient> await() {
            try {
                future.get();
            } catch (Exception e) {
                throw failure(e);
            }
            return Arrays.asList(results);
        }

        /**
         * Throws if the job has ended with a failure, or ended without the results the caller still waits
         * for (which would be a bug: it would wait forever).
         */
        void checkRunning() {
            if (future.isCompleted()) {
                scala.util.Try<BoxedUnit> outcome = future.value().get();
                if (outcome.isFailure()) {
                    throw failure(outcome.failed().get());
                }
                throw new IllegalStateException(name + " ended without every partition's result");
            }
        }

        /** Cancels the job and waits for it to end (its tasks are interrupted if it was {@link #submitInterruptible}). */
        void cancel() {
            future.cancel();
            try {
                future.get();
            } catch (Exception expected) {
                // cancelled, or failed because the run ended: nothing of it is used
            }
        }

        private RuntimeException failure(Throwable e) {
            return SparkJobs.translate(e, message -> new TrainingFailedException(name + " failed: " + message, e));
        }
    }

    /**
     * Submits a job computing {@code f} on every partition and returns at once. {@code f} is a named
     * class, not a closure, so Spark skips its closure cleaner (it re-reads class files with ASM,
     * about 5 ms per job on a 2-core machine).
     */
    static <T> Job submit(RDD<T> rdd, Function1<Iterator<T>, PartialGradient> f) {
        int n = rdd.getNumPartitions();
        PartialGradient[] results = new PartialGradient[n];
        scala.collection.immutable.Seq<Object> partitions = CollectionConverters.asScala(
                IntStream.range(0, n).<Object>mapToObj(i -> i).toList()).toSeq();
        scala.Function2<Object, PartialGradient, BoxedUnit> store = (i, r) -> {
            results[(Integer) i] = r;
            return BoxedUnit.UNIT;
        };
        String name = String.valueOf(rdd.sparkContext().getLocalProperty("spark.job.description"));
        return new Job(name, rdd.sparkContext().submitJob(rdd, f, partitions, store, () -> BoxedUnit.UNIT), results);
    }

    /**
     * As {@link #submit}, for a job whose tasks wait for each other or for the driver: cancelling it interrupts them
     * ({@code spark.job.interruptOnCancel}), so they give their slots back instead of waiting on.
     */
    static <T> Job submitInterruptible(RDD<T> rdd, Function1<Iterator<T>, PartialGradient> f) {
        org.apache.spark.SparkContext sc = rdd.sparkContext();
        String interrupt = sc.getLocalProperty("spark.job.interruptOnCancel");
        sc.setLocalProperty("spark.job.interruptOnCancel", "true");
        try {
            return submit(rdd, f);
        } finally {
            sc.setLocalProperty("spark.job.interruptOnCancel", interrupt);
        }
    }

    private static List<PartialGradient> collect(java.util.Iterator<PartialGradient> parts) {
        List<PartialGradient> list = new ArrayList<>();
        parts.forEachRemaining(list::add);
        return list;
    }

    /** Sums in ascending index order; the result carries the smallest index. */
    static PartialGradient sumInOrder(List<PartialGradient> parts) {
        List<PartialGradient> list = new ArrayList<>(parts);
        list.sort(Comparator.comparingInt(p -> p.index));
        PartialGradient sum = null;
        for (PartialGradient p : list) {
            if (sum == null) {
                sum = p;
            } else {
                sum.add(p);
            }
        }
        return sum;
    }

    /** The one partial sum a reduction group's partition holds. */
    private static final class OnlyElement extends AbstractFunction1<Iterator<PartialGradient>, PartialGradient>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public PartialGradient apply(Iterator<PartialGradient> partials) {
            return partials.next();
        }
    }

    /** Sends key k to partition k: each group of children meets in its own partition. */
    private static final class ByIndex extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        ByIndex(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }
}
