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
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * spark-submit: the model is bitwise local mode's in every exchange, also when an executor JVM is SIGKILLed mid-run;
 * the default exchange is the reduce-scatter with a slot per partition and the channel with fewer; an explicit
 * reduce-scatter without enough slots is refused before anything is written; an executor lost for good fails the
 * reduce-scatter's run, which {@code --resume} finishes, and the channel's run goes on. The cluster gets no
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
        return trainArgs(out, iterations, 100);
    }

    /** Checkpoints change no bits in any exchange: {@code checkpointEvery} only says where a resume can start. */
    private static List<String> trainArgs(Path out, int iterations, int checkpointEvery) {
        return List.of("train", "--data", data.toString(), "--out", out.toString(), "--partitions", "2",
                "--cell", "lstm", "--hidden", "48", "--wordvec", "32", "--batch-size", "50",
                "--iterations", String.valueOf(iterations), "--checkpoint-every", String.valueOf(checkpointEvery),
                "--print-every", "10");
    }

    private static Process submit(Path out, int iterations, Path log, String... conf) throws IOException {
        return submit(trainArgs(out, iterations), log, conf);
    }

    /** spark-submit of {@code train} (its arguments) to the cluster with {@code conf} settings. */
    private static Process submit(List<String> train, Path log, String... conf) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("submit/captioner-submit", "--master", master,
                "--conf", "spark.executor.memory=700m"));
        for (String c : conf) {
            cmd.addAll(List.of("--conf", c));
        }
        cmd.add("--");
        cmd.addAll(train);
        return script(cmd, log).start();
    }

    private static void finish(Process p, Path log) throws Exception {
        finish(p, log, 0);
    }

    private static void finish(Process p, Path log, int exit) throws Exception {
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "training did not finish:\n" + Files.readString(log));
        assertEquals(exit, p.exitValue(), Files.readString(log));
    }

    /** What run.json says carried the run: local, channel, broadcast or reduce-scatter. */
    private static String exchangeUsed(Path run) throws IOException {
        return JSON.readTree(run.resolve(RunLayout.RUN).toFile()).get(RunLayout.Environment.EXCHANGE)
                .get(RunLayout.ExchangeUsed.USED).asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
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

        // The default on a cluster with a slot per partition: the reduce-scatter, its peer servers at a given port
        // (both executors on this host: the second takes the next one).
        Path clean = tmp.resolve("clean");
        Path cleanLog = tmp.resolve("clean.log");
        int port = freePort();
        finish(submit(clean, iterations, cleanLog, "spark.captioner.peerServer.port=" + port), cleanLog);
        assertArrayEquals(params(local), params(clean), "the cluster's model is local mode's");
        assertEquals("reduce-scatter", exchangeUsed(clean));
        String cleanOut = Files.readString(cleanLog);
        assertTrue(cleanOut.contains("exchange: reduce-scatter (the default on a cluster with a task slot per "
                + "partition)"), cleanOut);
        assertPeerPorts(cleanOut, port);
        checkSplit(clean);
        checkExecutorBlas(clean, cleanOut);

        // Dynamic allocation from no executors: the jobs that load the data bring them, so the default still finds a
        // slot per partition.
        Path dynamic = tmp.resolve("dynamic");
        Path dynamicLog = tmp.resolve("dynamic.log");
        finish(submit(dynamic, iterations, dynamicLog, "spark.dynamicAllocation.enabled=true",
                "spark.dynamicAllocation.shuffleTracking.enabled=true", "spark.dynamicAllocation.minExecutors=0",
                "spark.dynamicAllocation.initialExecutors=0", "spark.executor.cores=1"), dynamicLog);
        assertEquals("reduce-scatter", exchangeUsed(dynamic));
        assertArrayEquals(params(local), params(dynamic), "dynamic allocation's model is local mode's");

        // The channel, asked for: its bits are the same. Executors own nothing there: Spark's retry suffices.
        assertSurvivesAKilledExecutor("killed", iterations, params(clean), "spark.captioner.exchange=channel");
        assertEquals("channel", exchangeUsed(tmp.resolve("killed")));
        // The default's reduce-scatter: executors own slices of the state, so the loss reruns the round.
        assertSurvivesAKilledExecutor("scattered", iterations, params(clean));
        assertEquals("reduce-scatter", exchangeUsed(tmp.resolve("scattered")));

        // One executor of one core for two partitions: the default takes the channel (one job per iteration) ...
        Path few = tmp.resolve("few");
        Path fewLog = tmp.resolve("few.log");
        finish(submit(few, iterations, fewLog, "spark.cores.max=1", "spark.captioner.exchange.slotsWait=3s"), fewLog);
        assertEquals("channel", exchangeUsed(few));
        assertTrue(Files.readString(fewLog).contains("exchange: channel (the default reduce-scatter runs a task per "
                + "partition at once, and the cluster offered 1 task slot for 2 partitions within 3 s "
                + "(spark.captioner.exchange.slotsWait))"), Files.readString(fewLog));
        assertArrayEquals(params(local), params(few), "the channel's model is local mode's");
        // ... and an explicit reduce-scatter is refused, leaving no run directory (speculation and security are
        // refused on the same path before the first Spark job: ExchangeTest).
        assertRefused("refused-slots", "error: spark.captioner.exchange=reduce-scatter runs a task per partition at "
                + "once, but the cluster offered 1 task slot for 2 partitions within 3 s "
                + "(spark.captioner.exchange.slotsWait); give --partitions 1 or fewer, more executors or cores, or "
                + "spark.captioner.exchange=channel", "spark.cores.max=1", "spark.captioner.exchange.slotsWait=3s",
                "spark.captioner.exchange=reduce-scatter");

        // An executor that never comes back (the cluster is one worker short after it) ...
        assertFailsResumablyWhenAnExecutorIsLostForGood(iterations, params(clean));
        // ... and, with a worker to replace it, the same loss in a round of the channel.
        Path addLog = tmp.resolve("add.log");
        Process add = script(List.of("submit/local-cluster", "add"), addLog).start();
        assertTrue(add.waitFor(120, TimeUnit.SECONDS) && add.exitValue() == 0, Files.readString(addLog));
        assertChannelGoesOnWhenAnExecutorIsLostForGood(iterations, params(clean));
    }

    /** The driver prints its peers' addresses: both at {@code port} or the ports Spark's retries move them to. */
    private static void assertPeerPorts(String log, int port) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "reduce-scatter peers: partition 0 at 127\\.0\\.0\\.1:(\\d+), partition 1 at 127\\.0\\.0\\.1:(\\d+)")
                .matcher(log);
        assertTrue(m.find(), log);
        Set<Integer> ports = Set.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        assertTrue(ports.contains(port) && ports.stream().allMatch(p -> p >= port && p <= port + 16), ports.toString());
    }

    /** A run refused with exit 2 and {@code message} on one line, before anything of it was written. */
    private static void assertRefused(String name, String message, String... conf) throws Exception {
        Path out = tmp.resolve(name);
        Path log = tmp.resolve(name + ".log");
        finish(submit(out, 30, log, conf), log, 2);
        assertTrue(Files.readString(log).lines().anyMatch(l -> l.startsWith(message)), Files.readString(log));
        assertTrue(!Files.exists(out), "a refused run leaves no run directory");
    }

    /**
     * A worker and its executor SIGKILLed mid-run: the reduce-scatter waits for a slot per partition, fails naming
     * the settings, and {@code --resume} on the one worker left, with the channel, ends with {@code expected}.
     */
    private static void assertFailsResumablyWhenAnExecutorIsLostForGood(int iterations, float[] expected)
            throws Exception {
        Path lost = tmp.resolve("lost");
        Path lostLog = tmp.resolve("lost.log");
        Process run = submit(trainArgs(lost, iterations, 5), lostLog, "spark.captioner.exchange.slotsWait=5s");
        // Past the first checkpoint, so the resume starts from one.
        killForGood(executorMidRun(run, lost, lostLog, 6, iterations));
        finish(run, lostLog, 1);
        String failed = Files.readString(lostLog);
        assertTrue(failed.contains("an executor was lost: the cluster offers 1 task slot for 2 partitions: "
                + "rerunning iterations "), failed);
        assertTrue(failed.contains("failed: an executor was lost and the cluster offered 1 task slot for 2 partitions "
                + "within 5 s (spark.captioner.exchange.slotsWait); the reduce-scatter exchange runs a task per "
                + "partition at once, and with fewer slots the channel gives the same results: resume with --conf "
                + "spark.captioner.exchange=channel. Last good checkpoint: "), failed);
        assertTrue(failed.contains("train --out " + lost + " --resume continues from it"), failed);

        List<String> resume = new ArrayList<>(trainArgs(lost, iterations, 5));
        resume.add("--resume");
        Path resumedLog = tmp.resolve("resumed.log");
        finish(submit(resume, resumedLog, "spark.captioner.exchange=channel"), resumedLog);
        assertTrue(Files.readString(resumedLog).matches("(?s).*resuming from iteration (5|10|15|20|25) .*"),
                Files.readString(resumedLog));
        assertEquals("channel", exchangeUsed(lost));
        assertArrayEquals(expected, params(lost), "the resumed run's model is the clean run's");
    }

    /**
     * A worker and its executor SIGKILLed in a round of the channel: the others' tasks would hold their slots waiting
     * for the lost one's, so the round is given up for one job per iteration on the slot left, which ends with
     * {@code expected}.
     */
    private static void assertChannelGoesOnWhenAnExecutorIsLostForGood(int iterations, float[] expected)
            throws Exception {
        Path out = tmp.resolve("channel-lost");
        Path log = tmp.resolve("channel-lost.log");
        Process run = submit(out, iterations, log, "spark.captioner.exchange=channel");
        killForGood(executorMidRun(run, out, log, 5, iterations));
        finish(run, log);
        assertTrue(Files.readString(log).contains("an executor was lost: the cluster offers 1 task slot for 2 "
                + "partitions: from iteration "), Files.readString(log));
        assertArrayEquals(expected, params(out), "the model is the clean run's");
    }

    /** SIGKILLs {@code executor} and its worker, so that no executor replaces it. */
    private static void killForGood(ProcessHandle executor) {
        ProcessHandle worker = executor.parent().filter(p -> p.info().commandLine()
                .filter(c -> c.contains("org.apache.spark.deploy.worker.Worker")).isPresent())
                .orElseThrow(() -> new AssertionError("the executor's parent is no worker"));
        assertTrue(worker.destroyForcibly() && executor.destroyForcibly(), "SIGKILL worker and executor");
    }

    /** A run whose executor is SIGKILLed mid-run still ends with {@code expected}. */
    private static void assertSurvivesAKilledExecutor(String name, int iterations, float[] expected, String... conf)
            throws Exception {
        Path killed = tmp.resolve(name);
        Path killedLog = tmp.resolve(name + ".log");
        Process run = submit(killed, iterations, killedLog, conf);
        ProcessHandle executor = executorMidRun(run, killed, killedLog, 5, iterations);
        assertTrue(executor.destroyForcibly(), "SIGKILL executor " + executor.pid());
        finish(run, killedLog);
        assertTrue(Files.readString(killedLog).contains("Lost executor"), "Spark saw the executor go:\n"
                + Files.readString(killedLog));
        assertArrayEquals(expected, params(killed), "losing an executor changes nothing");
        checkSplit(killed);
        if (conf.length == 0) {
            assertTrue(Files.readString(killedLog).contains("rerunning iterations"), "the round was rerun:\n"
                    + Files.readString(killedLog));
        }
    }

    /** Waits until {@code run} has done {@code done} of its {@code iterations} iterations; returns an executor of it. */
    private static ProcessHandle executorMidRun(Process run, Path out, Path log, int done, int iterations)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (lines(out) < done && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(run.isAlive() && lines(out) < iterations, "the run ended before an executor could be killed:\n"
                + Files.readString(log));
        return executors().findFirst().orElseThrow(() -> new AssertionError("no executor JVM"));
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
