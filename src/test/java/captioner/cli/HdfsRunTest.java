package captioner.cli;

import captioner.io.HdfsCluster;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs on a real HDFS ({@link HdfsCluster}: a NameNode and a DataNode on 127.0.0.1), every path an hdfs:// URI:
 * synth → prepare → train, SIGKILLed mid-run → {@code train --out hdfs://…/run --resume} → evaluate → report; and a
 * run whose DataNode dies under it, which fails with one message and resumes once the DataNode is back. Both end
 * bitwise where an uninterrupted run of the same settings ends. And a sentence table prepared on HDFS trains bitwise
 * as the seed's folder it came from.
 */
class HdfsRunTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static HdfsCluster hdfs;
    private static String table;
    private static float[] uninterrupted;
    private static long uninterruptedMetrics;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void clusterTableAndAnUninterruptedRun() throws Exception {
        hdfs = HdfsCluster.start(shared.resolve("hdfs"));
        String data = hdfs.uri("/data");
        table = hdfs.uri("/table");
        ok(MainTest.run("synth", "--out", data, "--images", "80", "--seed", "3"));
        ok(MainTest.run("prepare", "--data", data, "--out", table));
        Path whole = shared.resolve("whole");
        Path log = shared.resolve("whole.log");
        assertEquals(0, CaptionerProcess.finish(CaptionerProcess.start(train(whole.toString(), List.of()), log), log),
                Files.readString(log));
        uninterrupted = params(Location.local(whole.resolve("model.h5")));
        uninterruptedMetrics = Files.readAllLines(whole.resolve("metrics.jsonl")).size();
    }

    @AfterAll
    static void stopCluster() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    /**
     * The client configuration of a user of this one-DataNode cluster (their hdfs-site.xml would say so): files
     * written with one replica, else every append wants a second DataNode for its pipeline and fails.
     */
    private static final List<String> CLIENT = List.of("-Dspark.hadoop.dfs.replication=1");

    /** The run of every test: from the HDFS table, at Spark's default partitions (local[2]: 2). */
    private static List<String> train(String out, List<String> jvmArgs) {
        List<String> jvm = new ArrayList<>(CLIENT);
        jvm.addAll(jvmArgs);
        return CaptionerProcess.command(jvm, List.of("train", "--data", table, "--out", out, "--master",
                "local[2]", "--cell", "lstm", "--hidden", "48", "--wordvec", "32", "--batch-size", "50",
                "--iterations", "150", "--checkpoint-every", "25", "--keep-checkpoints", "2", "--print-every", "50"));
    }

    /** {@code train --out OUT --resume}: nothing else. */
    private static List<String> resume(String out) {
        return CaptionerProcess.command(CLIENT, List.of("train", "--out", out, "--resume"));
    }

    @Test
    void aKilledRunResumesOnHdfsToTheSameParametersThenEvaluatesAndReports() throws Exception {
        String out = hdfs.uri("/runs/killed");
        Path log = tmp.resolve("victim.log");
        Process victim = CaptionerProcess.start(train(out, List.of()), log);
        try {
            awaitCheckpoints(out, 2, victim, log);
        } finally {
            victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertFalse(at(out + "/model.h5").exists(), "killed before the end:\n" + Files.readString(log));

        // The dead trainer still holds the HDFS lease on metrics.jsonl: --resume recovers it.
        Path resumeLog = tmp.resolve("resume.log");
        assertEquals(0, CaptionerProcess.finish(CaptionerProcess.start(resume(out), resumeLog), resumeLog),
                Files.readString(resumeLog));
        String resumed = Files.readString(resumeLog);
        assertTrue(resumed.contains("resuming from iteration"), resumed);
        assertArrayEquals(uninterrupted, params(at(out + "/model.h5")));
        assertEquals(uninterruptedMetrics, metricsLines(out));

        String evaluation = hdfs.uri("/evaluation.json");
        ok(MainTest.run("evaluate", "--checkpoint", out + "/model.h5", "--out", evaluation));
        JsonNode figures;
        try (InputStream in = at(evaluation).open()) {
            figures = JSON.readTree(in);
        }
        assertTrue(figures.toString().contains("loss"), figures.toString());
        ok(MainTest.run("report", "--run", out));
        try (InputStream in = at(out + "/report.html").open()) {
            assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("<html"));
        }
        assertEquals(List.of(), leftovers(out), "no temporary file and no lock is left");
    }

    @Test
    void aLostDataNodeFailsTheRunWithOneMessageAndResumeGoesOnOnceItIsBack() throws Exception {
        String out = hdfs.uri("/runs/datanode-lost");
        Path log = tmp.resolve("lost.log");
        // One quick retry, so the run gives up while the DataNode is still down.
        Process run = CaptionerProcess.start(train(out, List.of("-Dspark.hadoop.captioner.storage.retries=1",
                "-Dspark.hadoop.captioner.storage.retry-wait=500ms")), log);
        try {
            awaitCheckpoints(out, 1, run, log);
        } catch (AssertionError | RuntimeException e) {
            run.destroyForcibly();
            throw e;
        }
        hdfs.stopDataNode();
        try {
            assertEquals(Main.EXIT_FAILED, CaptionerProcess.finish(run, log), Files.readString(log));
            String output = Files.readString(log);
            List<String> failed = output.lines().filter(l -> l.startsWith("failed: ")).toList();
            assertEquals(1, failed.size(), output);
            String message = failed.get(0);
            assertTrue(message.startsWith("failed: " + out + "/") && message.contains(": cannot ")
                    && message.contains("Last good checkpoint: " + out + "/checkpoints/ckpt-")
                    && message.contains("train --out " + out + " --resume continues"), output);
            assertFalse(output.contains("Exception in thread"), output);
            assertEquals(List.of(), leftovers(out), "no temporary file and no lock is left");
        } finally {
            hdfs.startDataNode();
        }
        // The failed writer's lease on metrics.jsonl is recovered; before, --resume failed for 20 minutes.
        Path resumeLog = tmp.resolve("resume.log");
        assertEquals(0, CaptionerProcess.finish(CaptionerProcess.start(resume(out), resumeLog), resumeLog),
                Files.readString(resumeLog));
        assertTrue(Files.readString(resumeLog).contains("resuming from iteration"), Files.readString(resumeLog));
        assertArrayEquals(uninterrupted, params(at(out + "/model.h5")));
        assertEquals(uninterruptedMetrics, metricsLines(out));
    }

    private static Location at(String uri) {
        return Location.of(uri, hdfs.clientConf());
    }

    /** The seed's sentences as a table on HDFS: prepared there, trained from there, bitwise the local run. */
    @Test
    void aSentenceTableOnHdfsTrainsAsTheSeedsFolder() throws Exception {
        String seed = Path.of(HdfsRunTest.class.getResource("/captioner/data/classify/seed").toURI()).toString();
        String sentences = hdfs.uri("/sentences");
        ok(MainTest.run("prepare", "--task", "classify", "--data", seed, "--out", sentences));
        List<String> flags = List.of("train", "--task", "classify", "--wordvec", "16", "--ffn", "32", "--batch-size",
                "2", "--partitions", "2", "--iterations", "3");
        List<String> local = new ArrayList<>(flags);
        local.addAll(List.of("--data", seed, "--out", tmp.resolve("local").toString()));
        List<String> remote = new ArrayList<>(flags);
        remote.addAll(List.of("--data", sentences, "--out", hdfs.uri("/runs/sentences")));
        ok(MainTest.run(local.toArray(String[]::new)));
        ok(MainTest.run(remote.toArray(String[]::new)));
        assertArrayEquals(params(Location.local(tmp.resolve("local/model.h5"))),
                params(at(hdfs.uri("/runs/sentences/model.h5"))));
        ok(MainTest.run("evaluate", "--checkpoint", hdfs.uri("/runs/sentences/model.h5"), "--data", sentences));
    }

    private static void ok(Object[] result) {
        assertEquals(0, result[0], result[1] + "\n" + result[2]);
    }

    private static float[] params(Location model) {
        return LocalCopy.read(model, local -> Checkpoint.read(local, model.toString(), DType.FLOAT32)).params()
                .floatStorage();
    }

    private static long metricsLines(String out) throws IOException {
        try (InputStream in = at(out + "/metrics.jsonl").open()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().count();
        }
    }

    /** Waits until the run has written {@code n} checkpoints, while it is still running. */
    private static void awaitCheckpoints(String out, int n, Process run, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        Location dir = at(out + "/checkpoints");
        while (dir.list().stream().filter(f -> f.name().startsWith("ckpt-")).count() < n && run.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(run.isAlive(), "the run ended before it could be interrupted:\n" + Files.readString(log));
    }

    /** Hidden temporary files and the lock, anywhere in the run. */
    private static List<String> leftovers(String out) {
        List<String> found = new ArrayList<>();
        List<Location> todo = new ArrayList<>(List.of(at(out)));
        while (!todo.isEmpty()) {
            Location f = todo.remove(todo.size() - 1);
            if (f.isDirectory()) {
                todo.addAll(f.list());
            } else if (f.name().contains(".tmp-") || f.name().equals("train.lock")) {
                found.add(f.toString());
            }
        }
        return found;
    }
}
