package captioner.data.classify;

import captioner.data.CaptionShard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;

/**
 * A sentence split as the training loop's shards, so the one loop (broadcast, per-partition sums, ordered reduction)
 * trains the classifier unchanged: shard rows are labelled sentences, {@code T + 1} integers each (the tokens, then
 * the label: what {@code ClassificationTransformer} reads as a batch), and each sentence is its own "image" with one
 * placeholder feature 0 (a sentence has no image; the model reads no feature) whose index is the sentence's row in
 * its split. Partitions take contiguous ranges of the split, sizes differing by at most one.
 */
public final class SentenceShards {
    private SentenceShards() {
    }

    /** The shards of {@code split} over exactly {@code partitions} partitions, cached and materialised. */
    public static JavaRDD<CaptionShard> of(SparkSession spark, SentenceSplit split, int partitions) {
        List<CaptionShard> shards = build(split, partitions);
        JavaRDD<CaptionShard> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(shards, partitions).persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        return rdd;
    }

    /** The shards themselves: partition p holds sentences [start(p), start(p + 1)). */
    public static List<CaptionShard> build(SentenceSplit split, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: expected at least 1 but got " + partitions);
        }
        int n = split.size();
        int t = split.length();
        int row = t + 1;
        List<CaptionShard> out = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) n * p / partitions);
            int to = (int) ((long) n * (p + 1) / partitions);
            int count = to - from;
            int[] rows = new int[count * row];
            int[] sentence = new int[count];
            int[] index = new int[count];
            for (int i = 0; i < count; i++) {
                System.arraycopy(split.tokens(), (from + i) * t, rows, i * row, t);
                rows[i * row + t] = split.labels()[from + i];
                sentence[i] = i;
                index[i] = from + i;
            }
            out.add(new CaptionShard(row, 1, rows, sentence, new float[count], index));
        }
        return out;
    }
}
