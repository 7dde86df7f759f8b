package captioner.train;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Sums the partitions' partial gradients to the driver through a reduction tree of the given
 * depth, like Spark's {@code treeAggregate}, but every node adds its children in partition order.
 * treeAggregate combines its last level in task-completion order, and floating-point addition is
 * not associative, so its sums vary from run to run; these do not.
 */
final class GradientSum {
    private GradientSum() {
    }

    /** The ordered sum of {@code partials} (one per partition), reduced through {@code depth} levels. */
    static PartialGradient reduce(JavaRDD<PartialGradient> partials, int depth) {
        int n = partials.getNumPartitions();
        // Spark's treeAggregate rule: add levels while that shrinks what reaches the driver.
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / depth)), 2);
        JavaRDD<PartialGradient> level = partials;
        while (depth > 1 && n > scale + (n + scale - 1) / scale) {
            int groups = (n + scale - 1) / scale;
            final int s = scale;
            level = level.mapToPair(p -> new Tuple2<>(p.index / s, p))
                    .partitionBy(new ByIndex(groups))
                    .values()
                    .mapPartitions(GradientSum::sumGroup, true);
            n = groups;
        }
        List<PartialGradient> top = new ArrayList<>(level.collect());
        return sumInOrder(top.iterator());
    }

    private static Iterator<PartialGradient> sumGroup(Iterator<PartialGradient> group) {
        PartialGradient sum = sumInOrder(group);
        return sum == null ? List.<PartialGradient>of().iterator() : List.of(sum).iterator();
    }

    /** Sums in ascending index order; the result carries the smallest index. */
    static PartialGradient sumInOrder(Iterator<PartialGradient> parts) {
        List<PartialGradient> list = new ArrayList<>();
        parts.forEachRemaining(list::add);
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
