package captioner.train;

import captioner.tensor.BlasProbe;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorBlasTest {
    private static ExecutorBlas.Row row(String id, String impl, double gflops) {
        return row(id, impl, "Zen", gflops);
    }

    private static ExecutorBlas.Row row(String id, String impl, String coreName, double gflops) {
        return row(id, impl, coreName, "1", gflops);
    }

    private static ExecutorBlas.Row row(String id, String impl, String coreName, String threads, double gflops) {
        return new ExecutorBlas.Row(id, "host-" + id, new BlasProbe(impl, "/usr/lib/libblas.so.3", coreName, "auto",
                threads, gflops));
    }

    @Test
    void comparesTheExecutorsRatePerThreadWithTheDrivers() {
        // The driver's OpenBLAS on two threads, the executors' on one each (conf/spark-defaults.conf).
        List<String> w = ExecutorBlas.warnings(List.of(row("driver (this JVM)", "JNIBLAS", "Zen", "2", 157.6),
                row("0", "JNIBLAS", "Zen", "1", 77.4), row("1", "JNIBLAS", "Zen", "1", 30)));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("executor 1 on host-1 runs SGEMM at 30.0 GFLOP/s a thread, under half the "
                + "driver's 78.8"), w.get(0));
    }

    @Test
    void warnsOfGenericKernelsOnTheDriverAndOnAnExecutorNamingTheFix() {
        List<String> w = ExecutorBlas.warnings(List.of(row("driver (this JVM)", "JNIBLAS", "Prescott", 15),
                row("0", "JNIBLAS", "Zen", 60), row("1", "JNIBLAS", "Prescott", 14)));
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("the driver's OpenBLAS runs its generic Prescott kernels")
                && w.get(0).contains("export OPENBLAS_CORETYPE"), w.get(0));
        assertTrue(w.get(1).startsWith("executor 1 on host-1 runs OpenBLAS's generic Prescott kernels")
                && w.get(1).contains("spark.executorEnv.OPENBLAS_CORETYPE"), w.get(1));
    }

    @Test
    void theTableShowsEachJvmsOpenBlasCore() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ExecutorBlas.print(List.of(row("driver (this JVM)", "JNIBLAS", "Zen", 60),
                row("0", "JNIBLAS", "unknown (the JVM needs --enable-native-access=ALL-UNNAMED)", 58)),
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).endsWith("sgemm GFLOP/s OpenBLAS core"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" 60.0 Zen"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" 58.0 unknown (the JVM needs --enable-native-access=ALL-UNNAMED)"), lines.get(2));
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
        assertEquals(rows.get(0).blas().coreName(), rows.get(1).blas().coreName(), "one JVM, one OpenBLAS: " + rows);
    }
}
