package captioner.train;

import captioner.data.CaptionShard;
import captioner.tensor.BlasProbe;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every executor's BLAS, probed once at the start of training by one task per partition (the tasks run where the
 * cached shards are, so every executor that computes gradients answers), printed as one table beside the
 * driver's and kept in run.json. An executor without a native BLAS, on OpenBLAS's generic kernels (its own
 * {@code openblas_get_corename}), or more than 2× slower than the driver at SGEMM per thread, gets a warning naming the fix: it
 * would set the pace of every iteration. So does a driver on generic kernels.
 */
final class ExecutorBlas {
    /** One executor's answer. */
    record Row(String executor, String host, BlasProbe blas) {
    }

    /** The executor id Spark gives the driver's own JVM (its internal SparkContext.DRIVER_IDENTIFIER). */
    private static final String LOCAL_EXECUTOR = "driver";

    private static final String CORE_TYPE_FIX = "Start executors through submit/bin/java (a standalone worker with "
            + "JAVA_HOME=<captioner>/submit), or set --conf spark.executorEnv.OPENBLAS_CORETYPE to the CPU's core type "
            + "(e.g. SkylakeX)";

    private ExecutorBlas() {
    }

    /** The driver's row first, then each executor's, by executor id. */
    static List<Row> probe(JavaRDD<CaptionShard> shards) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("driver (this JVM)", hostName(), BlasProbe.measure()));
        shards.context().setJobDescription("probe every executor's BLAS");
        Map<String, Row> byExecutor = new TreeMap<>();
        // Each answer travels as JSON: Spark's Kryo cannot build records.
        for (String json : shards.mapPartitions(it -> List.of(RunLayout.JSON.writeValueAsString(new Row(
                SparkEnv.get().executorId(), hostName(), BlasProbe.measure()))).iterator()).collect()) {
            Row r = read(json);
            byExecutor.putIfAbsent(r.executor(), r);
        }
        rows.addAll(byExecutor.values());
        return rows;
    }

    /** Prints the table and a warning line for each executor that would slow the run down. */
    static void print(List<Row> rows, PrintStream log) {
        log.printf("%-18s %-16s %-9s %-52s %-17s %-7s %-13s %s%n", "executor", "host", "BLAS", "library",
                "OPENBLAS_CORETYPE", "threads", "sgemm GFLOP/s", "OpenBLAS core");
        for (Row r : rows) {
            BlasProbe b = r.blas();
            log.printf("%-18s %-16s %-9s %-52s %-17s %-7s %13.1f %s%n", r.executor(), r.host(), b.implementation(),
                    b.library(), b.coreType(), b.threads(), b.sgemmGflops(), b.coreName());
        }
        for (String w : warnings(rows)) {
            log.println("warning: " + w);
        }
    }

    /** What is wrong with the driver's and the executors' BLAS, one sentence each naming the fix. */
    static List<String> warnings(List<Row> rows) {
        BlasProbe driver = rows.get(0).blas();
        double driverPerThread = perThread(driver, Runtime.getRuntime().availableProcessors());
        List<String> out = new ArrayList<>();
        if (driver.genericKernels()) {
            out.add("the driver's OpenBLAS runs its generic " + driver.coreName() + " kernels: start it through "
                    + "submit/captioner or submit/captioner-submit (submit/bin/java picks the core type from the CPU), or "
                    + "export OPENBLAS_CORETYPE=<the CPU's kernels, e.g. Haswell, SkylakeX, Zen> before it starts");
        }
        for (Row r : rows.subList(1, rows.size())) {
            BlasProbe b = r.blas();
            if (r.executor().equals(LOCAL_EXECUTOR)) {
                // Local mode: the "executor" is this JVM, with the driver's library and kernels; a slower SGEMM
                // there is only a busy machine, nothing to fix.
                continue;
            }
            if (!b.runsNative()) {
                out.add("executor " + r.executor() + " on " + r.host() + " computes with a Java BLAS ("
                        + b.implementation() + "): install OpenBLAS there (Debian: apt-get install libopenblas0-pthread)");
            } else if (b.genericKernels()) {
                out.add("executor " + r.executor() + " on " + r.host() + " runs OpenBLAS's generic " + b.coreName()
                        + " kernels. " + CORE_TYPE_FIX);
            } else if (perThread(b, 1) * 2 < driverPerThread) {
                out.add(String.format("executor %s on %s runs SGEMM at %.1f GFLOP/s a thread, under half the driver's "
                                + "%.1f: its OpenBLAS likely took weaker kernels than its CPU has (%s). %s",
                        r.executor(), r.host(), perThread(b, 1), driverPerThread, b.coreName(), CORE_TYPE_FIX));
            }
        }
        return out;
    }

    /**
     * The probe's rate per OpenBLAS thread, so that a driver with all its cores (OPENBLAS_NUM_THREADS unset) and
     * executors with one each compare like with like; {@code auto} threads count as {@code ifAuto}.
     */
    private static double perThread(BlasProbe b, int ifAuto) {
        int threads;
        try {
            threads = Math.max(1, Integer.parseInt(b.threads().trim()));
        } catch (NumberFormatException e) {
            threads = ifAuto;
        }
        return b.sgemmGflops() / threads;
    }

    private static Row read(String json) {
        try {
            return RunLayout.JSON.readValue(json, Row.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an executor's BLAS report is not readable: " + json, e);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }
}
