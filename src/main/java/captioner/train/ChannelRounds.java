package captioner.train;

import captioner.data.CaptionShard;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's round: one Spark job per iteration schedules the tasks, and the parameters and
 * gradients travel over the driver's {@link ParameterChannel} instead of a broadcast and the task
 * results. The driver sums the partitions' uploads in partition order, as {@link BroadcastRounds}
 * does when its reduction tree has one level, so the two give the same bits; for more partitions
 * than one level takes, or with Spark's authentication or encryption on (the channel has neither),
 * the trainer uses {@link BroadcastRounds}.
 */
final class ChannelRounds implements GradientRounds {
    /** Spark setting: false sends parameters by broadcast and gradients as task results (the older design). */
    static final String ENABLED = "spark.captioner.parameterChannel";
    /** Spark setting: the driver port the channel listens on (default 0: any free port). */
    static final String PORT = "spark.captioner.parameterChannel.port";

    private final JavaSparkContext jsc;
    private final JavaRDD<CaptionShard> shards;
    private final Tasks tasks;
    private final Supplier<Object> parameters;
    private final ParameterChannel channel;
    private final List<Tensor> summed = new ArrayList<>();

    /** @param parameters the driver's current parameter storage (float[] or double[]) of {@code size} elements */
    ChannelRounds(JavaSparkContext jsc, JavaRDD<CaptionShard> shards, Tasks tasks, Supplier<Object> parameters,
                  DType dtype, int size) {
        this.jsc = jsc;
        this.shards = shards;
        this.tasks = tasks;
        this.parameters = parameters;
        SparkConf conf = jsc.getConf();
        String host = conf.get("spark.driver.host");
        this.channel = new ParameterChannel(conf.get("spark.driver.bindAddress", host), host,
                conf.getInt(PORT, 0), dtype, size);
    }

    /** Whether the channel may carry this run: on by {@link #ENABLED}, no Spark security, a one-level sum. */
    static boolean usable(SparkSession spark, int partitions, int depth) {
        SparkConf conf = spark.sparkContext().conf();
        return Boolean.parseBoolean(spark.conf().get(ENABLED, "true")) && !conf.getBoolean("spark.authenticate", false)
                && !conf.getBoolean("spark.network.crypto.enabled", false)
                && !conf.getBoolean("spark.ssl.enabled", false) && GradientSum.oneLevel(partitions, depth);
    }

    @Override
    public Round gradient(long iteration) {
        long start = System.nanoTime();
        channel.publish(iteration, parameters.get());
        long published = System.nanoTime() - start;
        jsc.setJobDescription("iteration " + (iteration + 1));
        List<PartialGradient> parts = GradientSum.submit(shards.rdd(),
                tasks.forIteration(iteration, null, null, channel.address())).await();
        long reduce = System.nanoTime();
        for (PartialGradient p : parts) {
            Tensor g = channel.take(p.index, p.attempt);
            p.attach(g);
            summed.add(g);
        }
        PartialGradient sum = GradientSum.sumInOrder(parts);
        return new Round(sum, start, published, System.nanoTime() - reduce);
    }

    @Override
    public void updated(long iteration) {
        channel.recycle(summed);
        summed.clear();
    }

    @Override
    public void close() {
        channel.close();
    }
}
