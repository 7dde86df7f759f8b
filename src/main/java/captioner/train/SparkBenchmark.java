package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.CellType;
import captioner.model.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Times the real training loop on Spark with random data of cs231n's shape, and splits each
 * iteration into the slowest task's compute and Spark's overhead (broadcast, scheduling and
 * aggregation, driver update), from the metrics the loop publishes ({@link Timings}).
 */
public final class SparkBenchmark {

    /** Medians over the timed iterations, in ms, and the throughput. */
    public record Result(double captionsPerSecond, double iterationMs, double computeMs, double broadcastMs,
                         double aggregationMs, double updateMs) {
        public double overheadMs() {
            return iterationMs - computeMs;
        }
    }

    private SparkBenchmark() {
    }

    /**
     * Runs {@code warmup + iterations} iterations of {@code cell} (V words, D-wide features, W, H,
     * captions of {@code length} tokens, batch N) over {@code partitions} partitions of random
     * captions, {@code captionsPerPartition} each.
     */
    public static Result run(SparkSession spark, CellType cell, int vocab, int inputDim, int wordvec, int hidden,
                             int length, int batch, int partitions, int captionsPerPartition, int warmup, int iterations,
                             PrintStream log) {
        List<String> words = new ArrayList<>(List.of(Vocabulary.NULL, Vocabulary.START, Vocabulary.END));
        for (int i = words.size(); i < vocab; i++) {
            words.add("w" + i);
        }
        JavaRDD<CaptionShard> shards = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                .map(p -> randomShard(p, captionsPerPartition, vocab, inputDim, length))
                .cache();
        Path out;
        try {
            out = Files.createTempDirectory("captioner-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int total = warmup + iterations;
        TrainConfig config = TrainConfig.builder().cell(cell).hidden(hidden).wordvec(wordvec).batchSize(batch)
                .iterations(total).partitions(partitions).master(spark.sparkContext().master()).seed(1)
                .out(out.resolve("run").toString()).checkpointEvery(total).keepCheckpoints(1).printEvery(total).build();
        Timings timings = new Timings(warmup, batch);
        try {
            new Trainer(spark, config, new Trainer.Input(new Vocabulary(words, "benchmark"), shards, inputDim, length), log)
                    .listen(timings).run();
        } finally {
            shards.unpersist(false);
            deleteTree(out);
        }
        return timings.result();
    }

    /** Collects the timed iterations' metrics as the loop publishes them, and their medians. */
    static final class Timings implements TrainingListener {
        private final long warmup;
        private final int batch;
        private final List<IterationMetrics> timed = new ArrayList<>();

        Timings(long warmup, int batch) {
            this.warmup = warmup;
            this.batch = batch;
        }

        @Override
        public void iterationDone(IterationMetrics metrics) {
            if (metrics.iteration() > warmup) {
                timed.add(metrics);
            }
        }

        /** Medians over the timed iterations; the iteration time is the batch over the median throughput's. */
        Result result() {
            double iterationMs = median(m -> 1000.0 * batch / m.captionsPerSecond());
            return new Result(1000.0 * batch / iterationMs, iterationMs, median(IterationMetrics::computeMs),
                    median(IterationMetrics::broadcastMs), median(IterationMetrics::aggregationMs),
                    median(IterationMetrics::updateMs));
        }

        private double median(ToDoubleFunction<IterationMetrics> f) {
            double[] v = timed.stream().mapToDouble(f).sorted().toArray();
            return v.length == 0 ? Double.NaN : v[v.length / 2];
        }
    }

    /**
     * Runs {@code iterations} iterations of the given model with two captions per partition (a few
     * milliseconds each, mostly Spark's scheduling) so that the JIT compiles Spark's per-job code
     * paths before timing. A real run executes them a few times a second: they stay interpreted,
     * and Spark's per-job cost is several times its steady-state value, for its first thousand or so
     * iterations. The model's own code runs at its real widths, so it is compiled for them too.
     * Returns the warm-up's median iteration split.
     */
    public static Result warmUp(SparkSession spark, CellType cell, int vocab, int inputDim, int wordvec, int hidden,
                                int length, int partitions, int iterations) {
        return run(spark, cell, vocab, inputDim, wordvec, hidden, length, 2 * partitions, partitions, 1000, 0,
                iterations, new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    private static CaptionShard randomShard(int partition, int captions, int vocab, int dim, int length) {
        SplittableRandom rng = new SplittableRandom(1000L + partition);
        int images = Math.max(1, captions / 5);
        int[] caps = new int[captions * length];
        int[] image = new int[captions];
        for (int c = 0; c < captions; c++) {
            image[c] = c % images;
            caps[c * length] = 1;
            for (int t = 1; t < length; t++) {
                caps[c * length + t] = 3 + rng.nextInt(vocab - 3);
            }
        }
        float[] features = new float[images * dim];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rng.nextDouble(-3, 3);
        }
        int[] idxs = IntStream.range(0, images).map(i -> partition * images + i).toArray();
        return new CaptionShard(length, dim, caps, image, features, idxs);
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line describing a result. */
    public static String describe(CellType cell, String master, int partitions, Result r) {
        return String.format("%-4s Spark %s, %d partitions: %8.1f captions/s  iteration %.1f ms = slowest task %.1f "
                        + "+ overhead %.1f (broadcast %.1f, scheduling and aggregation %.1f, update %.1f)",
                cell.label(), master, partitions, r.captionsPerSecond(), r.iterationMs(), r.computeMs(), r.overheadMs(),
                r.broadcastMs(), r.aggregationMs(), r.updateMs());
    }
}
