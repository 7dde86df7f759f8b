package captioner.cli;

import captioner.data.synthetic.SyntheticDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plain path is always local, whatever the cluster's default file system: with {@code fs.defaultFS} pointing at
 * an HDFS name node where nothing listens, train, train --resume, evaluate and report, run as a user runs them (a
 * fresh JVM whose working directory holds the data, the Hadoop setting passed as Spark's {@code spark.hadoop.*}),
 * all use the local {@code runs/x}. Any attempt to reach HDFS would fail at once (no connection retries).
 */
class PlainPathsAreLocalTest {
    @TempDir
    Path work;

    @Test
    void trainResumeEvaluateAndReportUseTheLocalRunDirectory() throws Exception {
        SyntheticDataset.write(work.resolve("data"), 12, 4);
        List<String> train = List.of("train", "--data", "data", "--out", "runs/x", "--master", "local[2]",
                "--partitions", "2", "--cell", "rnn", "--hidden", "8", "--wordvec", "8", "--batch-size", "10",
                "--iterations", "4", "--checkpoint-every", "2", "--print-every", "2");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("conf", "java-options").toAbsolutePath(),
                "-Dlog4j2.configurationFile="
                        + Path.of("src", "test", "resources", "log4j2-test.properties").toAbsolutePath(),
                "-Dspark.hadoop.fs.defaultFS=hdfs://127.0.0.1:1",
                "-Dspark.hadoop.ipc.client.connect.max.retries=0",
                "-Dspark.hadoop.ipc.client.connect.max.retries.on.timeouts=0",
                "-cp", System.getProperty("java.class.path"), CommandSequence.class.getName()));
        cmd.addAll(train);
        cmd.add(CommandSequence.THEN);
        cmd.addAll(train);
        cmd.add("--resume");
        cmd.add(CommandSequence.THEN);
        cmd.addAll(List.of("evaluate", "--checkpoint", "runs/x/model.h5", "--data", "data", "--master", "local[2]",
                "--max", "3", "--out", "runs/x/eval.json"));
        cmd.add(CommandSequence.THEN);
        cmd.addAll(List.of("report", "--run", "runs/x", "--master", "local[2]", "--max", "3", "--gallery", "2",
                "--beam-size", "2"));
        Path log = work.resolve("commands.log");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the commands did not finish:\n" + Files.readString(log));
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertEquals(4, out.lines().filter(l -> l.equals("exit 0")).count(), out);

        Path run = work.resolve("runs").resolve("x");
        assertTrue(out.contains("model at runs/x/model.h5"), out);
        assertTrue(out.contains("resuming from iteration 4"), "--resume found the run and its checkpoint:\n" + out);
        assertTrue(Files.isRegularFile(run.resolve("model.h5")), out);
        assertTrue(Files.isRegularFile(run.resolve("run.json")), out);
        assertTrue(Files.isRegularFile(run.resolve("checkpoints").resolve("ckpt-000000004.h5")), out);
        assertTrue(out.contains("wrote runs/x/eval.json"), out);
        assertTrue(Files.readString(run.resolve("eval.json")).contains("perplexity"), out);
        assertTrue(out.contains("wrote runs/x/report.html"), out);
        assertTrue(Files.readString(run.resolve("report.html")).contains("<html"), out);
        assertFalse(out.contains("hdfs://"), "nothing was looked for in HDFS:\n" + out);
    }
}
