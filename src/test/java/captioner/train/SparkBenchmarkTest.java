package captioner.train;

import captioner.model.CellType;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkBenchmarkTest {

    private static IterationMetrics timed(long iteration, double captionsPerSecond, double computeMs) {
        return new IterationMetrics(iteration, 0, 1.0, 5e-3, 1.0, 10, captionsPerSecond, 10_000 / captionsPerSecond, 1, 0.5,
                computeMs, 1, 0.5, 3);
    }

    @Test
    void figuresAreMediansOfThePublishedIterationsAfterTheWarmUp() {
        SparkBenchmark.Timings timings = new SparkBenchmark.Timings(2, 10);
        // The two warm-up iterations are slow; they must not count.
        timings.iterationDone(timed(1, 1, 900));
        timings.iterationDone(timed(2, 1, 900));
        timings.iterationDone(timed(3, 1000, 4));
        timings.iterationDone(timed(4, 500, 8));
        timings.iterationDone(timed(5, 2000, 6));
        SparkBenchmark.Result r = timings.result();
        assertEquals(10.0, r.iterationMs(), 1e-12, "the median of 10, 20 and 5 ms");
        assertEquals(1000.0, r.captionsPerSecond(), 1e-9);
        assertEquals(6.0, r.computeMs());
        assertEquals(4.0, r.overheadMs(), 1e-12);
    }

    @Test
    void aRealRunReportsItsTimedIterations() {
        SparkBenchmark.Result r = SparkBenchmark.run(SparkTesting.spark(), CellType.RNN, 12, 6, 4, 4, 5, 4, 2, 8, 1, 3,
                new PrintStream(OutputStream.nullOutputStream()));
        assertTrue(r.captionsPerSecond() > 0 && r.iterationMs() > 0 && r.computeMs() > 0, r.toString());
    }
}
