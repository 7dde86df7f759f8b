package captioner.train;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How local mode runs its jobs: a round of iterations per job when every partition has a slot, one iteration per
 * job (scheduled early) when not, and early scheduling only where every task runs once, in job order.
 */
class LocalRoundsTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(7, 40, 4, 15, 9, 12);

    @Test
    void schedulesAheadOnlyWithoutRetriesSpeculationOrFairScheduling() {
        assertEquals(true, ahead("local[2]", null, null));
        assertEquals(true, ahead("local[*]", null, null));
        assertEquals(true, ahead("local", null, null));
        assertEquals(false, ahead("local[2,2]", null, null));
        assertEquals(false, ahead("local[*,3]", null, null));
        assertEquals(false, ahead("local[2]", "true", null));
        assertEquals(false, ahead("local[2]", null, "FAIR"));
        assertEquals(true, ahead("local[2]", "false", "fifo"));
    }

    @Test
    void aJobRunsARoundOfUpToAHundredIterationsWhenEveryPartitionHasASlot() throws TimeoutException {
        // The shared session is local[4]: three partitions' tasks run at once and stay for their round.
        List<String> jobs = trainingJobs(3, 105, tmp.resolve("rounds"));
        assertEquals(List.of("iterations 1-100", "iterations 101-105"), jobs);
    }

    @Test
    void morePartitionsThanSlotsRunOneIterationPerJobWithTheSameBitsAsTheClusterPath() throws TimeoutException {
        List<String> jobs = trainingJobs(5, 6, tmp.resolve("local"));
        assertEquals(IntStream.rangeClosed(1, 6).mapToObj(i -> "iteration " + i).toList(), jobs);
        SparkTesting.spark().conf().set(Trainer.LOCAL_EXCHANGE, "false");
        try {
            train(5, 6, tmp.resolve("cluster"));
        } finally {
            SparkTesting.spark().conf().unset(Trainer.LOCAL_EXCHANGE);
        }
        assertArrayEquals(params(tmp.resolve("cluster")), params(tmp.resolve("local")));
    }

    /** The descriptions of the training jobs (those computing iterations) of one run, in the order they started. */
    private List<String> trainingJobs(int partitions, int iterations, Path out) throws TimeoutException {
        SparkContext sc = SparkTesting.spark().sparkContext();
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                String description = job.properties() == null ? null
                        : job.properties().getProperty("spark.job.description");
                if (description != null && description.startsWith("iteration")) {
                    started.add(description);
                }
            }
        };
        sc.addSparkListener(listener);
        try {
            train(partitions, iterations, out);
            // Listeners hear of jobs asynchronously; Spark's own tests wait for its bus this way.
            sc.listenerBus().waitUntilEmpty(30_000);
        } finally {
            sc.removeSparkListener(listener);
        }
        return List.copyOf(started);
    }

    private static void train(int partitions, int iterations, Path out) {
        TrainConfig c = TrainerTest.config(out.toString(), iterations, false).toBuilder().partitions(partitions)
                .checkpointEvery(1000).build();
        new Trainer(SparkTesting.spark(), c, SparkTesting.input(DATA, partitions),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    }

    private static float[] params(Path run) {
        Path model = run.resolve("model.h5");
        return captioner.model.Checkpoint.read(model, model.toString(), captioner.tensor.DType.FLOAT32).params()
                .floatStorage();
    }

    private static boolean ahead(String master, String speculation, String mode) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("rounds");
        if (speculation != null) {
            conf.set("spark.speculation", speculation);
        }
        if (mode != null) {
            conf.set("spark.scheduler.mode", mode);
        }
        return LocalRounds.schedulesAhead(master, conf);
    }
}
