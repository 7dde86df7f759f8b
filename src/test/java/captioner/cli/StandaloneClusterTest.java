package captioner.cli;

import captioner.data.synthetic.SyntheticDataset;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import captioner.train.RunLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a real Spark standalone cluster, started by {@code submit/local-cluster} (a master and two 1-core workers
 * on 127.0.0.1, every executor a JVM of its own) and submitted by {@code submit/captioner-submit} through
 * spark-submit: the model is bitwise local mode's, also when an executor JVM is SIGKILLed mid-run. The cluster gets no
 * {@code OPENBLAS_CORETYPE} from this JVM, so its executors make their own kernel choice through
 * {@code submit/bin/java}; had they used other kernels than the local run, the bits would differ.
 */
class StandaloneClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path data;
    private static Path jar;
    private static String classpath;
    private static String master;

    @BeforeAll
    static void startCluster() throws Exception {
        data = tmp.resolve("data");
        SyntheticDataset.write(data, 40, 5);
        // What the thin jar would hold of ours; the libraries it bundles are on the cluster's class path here.
        jar = tmp.resolve("spark-captioner.jar");
        jar(Path.of("target", "classes"), jar);
        classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
        Path log = tmp.resolve("start.log");
        Process p = script(List.of("submit/local-cluster", "start", "2", "1"), log).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the cluster did not start:\n" + Files.readString(log));
        List<String> lines = Files.readAllLines(log);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        master = lines.stream().filter(l -> l.startsWith("spark://")).findFirst().orElseThrow();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (tmp != null) {
            Process p = script(List.of("submit/local-cluster", "stop"), tmp.resolve("stop.log")).start();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** A script of ours, with the cluster's folder and class path and without this JVM's OpenBLAS core type. */
    private static ProcessBuilder script(List<String> cmd, Path log) {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = b.environment();
        env.remove("OPENBLAS_CORETYPE");
        env.remove("SPARK_HOME");
        env.put("LOCAL_CLUSTER_DIR", tmp.resolve("cluster").toString());
        env.put("CAPTIONER_CLASSPATH", classpath);
        env.put("CAPTIONER_JAR", jar.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return b;
    }

    private static List<String> trainArgs(Path out, int iterations) {
        return List.of("train", "--data", data.toString(), "--out", out.toString(), "--partitions", "2",
                "--cell", "lstm", "--hidden", "48", "--wordvec", "32", "--batch-size", "50",
                "--iterations", String.valueOf(iterations), "--checkpoint-every", "100", "--print-every", "10");
    }

    private static Process submit(Path out, int iterations, Path log, String... conf) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("submit/captioner-submit", "--master", master,
                "--conf", "spark.executor.memory=700m"));
        for (String c : conf) {
            cmd.addAll(List.of("--conf", c));
        }
        cmd.add("--");
        cmd.addAll(trainArgs(out, iterations));
        return script(cmd, log).start();
    }

    private static void finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "training did not finish:\n" + Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    private static float[] params(Path run) {
        return Checkpoint.read(run.resolve(RunLayout.MODEL), run.toString(), DType.FLOAT32).params().floatStorage();
    }

    @Test
    void trainsBitwiseAsLocalModeAndSurvivesAKilledExecutor() throws Exception {
        int iterations = 30;
        Path local = tmp.resolve("local");
        Path localLog = tmp.resolve("local.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("conf", "java-options").toAbsolutePath(),
                "-Dlog4j2.configurationFile=" + Path.of("src", "test", "resources", "log4j2-test.properties").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "captioner.cli.Main"));
        cmd.addAll(trainArgs(local, iterations));
        cmd.addAll(List.of("--master", "local[2]"));
        ProcessBuilder localRun = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(localLog.toFile());
        // One OpenBLAS thread per task, as submit/captioner and conf/spark-defaults.conf give the tasks.
        localRun.environment().put("OPENBLAS_NUM_THREADS", "1");
        finish(localRun.start(), localLog);

        Path clean = tmp.resolve("clean");
        Path cleanLog = tmp.resolve("clean.log");
        finish(submit(clean, iterations, cleanLog), cleanLog);
        assertArrayEquals(params(local), params(clean), "the cluster's model is local mode's");
        checkSplit(clean);
        checkExecutorBlas(clean, Files.readString(cleanLog));

        assertSurvivesAKilledExecutor("killed", iterations, params(clean));
        // The reduce-scatter exchange: executors own slices of the state, so the loss reruns the round.
        assertSurvivesAKilledExecutor("scattered", iterations, params(clean), "spark.captioner.exchange=reduce-scatter");
    }

    /** A run whose executor is SIGKILLed mid-run still ends with {@code expected}. */
    private static void assertSurvivesAKilledExecutor(String name, int iterations, float[] expected, String... conf)
            throws Exception {
        Path killed = tmp.resolve(name);
        Path killedLog = tmp.resolve(name + ".log");
        Process run = submit(killed, iterations, killedLog, conf);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (lines(killed) < 5 && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(run.isAlive() && lines(killed) < iterations, "the run ended before an executor could be killed:\n"
                + Files.readString(killedLog));
        ProcessHandle executor = executors().findFirst().orElseThrow(() -> new AssertionError("no executor JVM"));
        assertTrue(executor.destroyForcibly(), "SIGKILL executor " + executor.pid());
        finish(run, killedLog);
        assertTrue(Files.readString(killedLog).contains("Lost executor"), "Spark saw the executor go:\n"
                + Files.readString(killedLog));
        assertArrayEquals(expected, params(killed), "losing an executor changes nothing");
        checkSplit(killed);
        if (conf.length > 0) {
            assertTrue(Files.readString(killedLog).contains("rerunning iterations"), "the round was rerun:\n"
                    + Files.readString(killedLog));
        }
    }

    /** Each metrics line's parts add up to its iteration's wall time, and the tasks waited for their broadcast. */
    private static void checkSplit(Path run) throws IOException {
        double paramsWait = 0;
        for (String line : Files.readAllLines(run.resolve(RunLayout.METRICS))) {
            JsonNode m = JSON.readTree(line);
            double parts = Stream.of(RunLayout.Metric.BROADCAST_MS, RunLayout.Metric.PARAMS_MS,
                            RunLayout.Metric.COMPUTE_MS, RunLayout.Metric.RESULTS_MS, RunLayout.Metric.REDUCE_MS,
                            RunLayout.Metric.UPDATE_MS)
                    .mapToDouble(k -> m.get(k).asDouble()).sum();
            assertEquals(m.get(RunLayout.Metric.ITERATION_MS).asDouble(), parts, 1e-3, line);
            assertTrue(m.get(RunLayout.Metric.COMPUTE_MS).asDouble() > 0, line);
            paramsWait += m.get(RunLayout.Metric.PARAMS_MS).asDouble();
        }
        assertTrue(paramsWait > 0, "executors fetch the broadcast: some wait is measured");
    }

    /** run.json lists the driver's BLAS and both executors', which chose the driver's kernels without being told. */
    private static void checkExecutorBlas(Path run, String log) throws IOException {
        JsonNode rows = JSON.readTree(run.resolve(RunLayout.RUN).toFile()).get(RunLayout.Environment.EXECUTOR_BLAS);
        assertEquals(3, rows.size(), rows.toString());
        String driverCore = rows.get(0).get("blas").get("coreType").asText();
        // OpenBLAS's own name of its kernels, asked in each JVM (OpenBlasCoreTest: the one it prints itself).
        String driverKernels = rows.get(0).get("blas").get("coreName").asText();
        assertTrue(!driverKernels.startsWith("unknown"), rows.toString());
        for (JsonNode r : rows) {
            assertEquals(driverCore, r.get("blas").get("coreType").asText(), rows.toString());
            assertEquals(driverKernels, r.get("blas").get("coreName").asText(), rows.toString());
            assertTrue(r.get("blas").get("sgemmGflops").asDouble() > 0, rows.toString());
        }
        assertEquals(Set.of("0", "1"), Set.of(rows.get(1).get("executor").asText(), rows.get(2).get("executor").asText()));
        assertTrue(log.contains("sgemm GFLOP/s"), "the table is printed:\n" + log);
    }

    /** The executor JVMs of this test's cluster (their class path is the cluster's Spark home). */
    private static Stream<ProcessHandle> executors() {
        String home = tmp.resolve("cluster").toString();
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .filter(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(home)).isPresent());
    }

    private static long lines(Path run) throws IOException {
        Path metrics = run.resolve(RunLayout.METRICS);
        if (!Files.exists(metrics)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(metrics)) {
            return s.count();
        }
    }

    private static void jar(Path classes, Path jarFile) throws IOException {
        try (OutputStream file = Files.newOutputStream(jarFile); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
