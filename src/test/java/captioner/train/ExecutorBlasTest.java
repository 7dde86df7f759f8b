package captioner.train;

import captioner.tensor.BlasProbe;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorBlasTest {
    private static ExecutorBlas.Row row(String id, String impl, double gflops) {
        return new ExecutorBlas.Row(id, "host-" + id, new BlasProbe(impl, "/usr/lib/libblas.so.3", "auto", "1", gflops));
    }

    @Test
    void warnsOfAJavaBlasAndOfAnExecutorUnderHalfTheDriversSpeed() {
        List<String> w = ExecutorBlas.warnings(List.of(row("driver", "JNIBLAS", 150), row("0", "JNIBLAS", 140),
                row("1", "JNIBLAS", 15), row("2", "VectorBLAS", 3)));
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("executor 1 on host-1 runs SGEMM at 15.0") && w.get(0).contains("OPENBLAS_CORETYPE")
                && w.get(0).contains("submit/bin/java"), w.get(0));
        assertTrue(w.get(1).contains("Java BLAS (VectorBLAS)") && w.get(1).contains("libopenblas0-pthread"), w.get(1));
    }

    @Test
    void localModesExecutorIsTheDriverJvmAndNeverWarnedAboutSpeed() {
        List<String> w = ExecutorBlas.warnings(List.of(row("driver (this JVM)", "JNIBLAS", 66), row("driver", "JNIBLAS", 5)));
        assertEquals(List.of(), w, "a slower second measurement in the same JVM is a busy machine");
    }

    @Test
    void everyExecutorOfTheSharedSessionAnswersOnce() {
        List<ExecutorBlas.Row> rows = ExecutorBlas.probe(SparkTesting.shards(SparkTesting.randomData(3, 30, 3, 12, 7, 8), 3));
        assertEquals(2, rows.size(), "the driver, and local mode's one executor: " + rows);
        assertEquals("driver", rows.get(1).executor());
        assertTrue(rows.get(0).blas().sgemmGflops() > 0, rows.toString());
    }
}
