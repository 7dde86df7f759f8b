package captioner.cli;

import captioner.data.synthetic.SyntheticDataset;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real training processes: one killed mid-run must resume ({@code train --out DIR --resume}, nothing else) to bitwise
 * the parameters of an uninterrupted run, taking over the lock the killed one left, while a second trainer beside a
 * live one is refused; and one whose task fails and is retried must end where a clean run does.
 */
class KillAndResumeTest {
    @TempDir
    Path tmp;

    /** A run at Spark's default partitions (local[2]: 2). */
    private List<String> train(Path data, Path out) {
        List<String> cmd = train(data, out, false, "local[2]", 400, List.of());
        int at = cmd.indexOf("--partitions");
        cmd.subList(at, at + 2).clear();
        return cmd;
    }

    /** {@code train --out OUT --resume}: nothing else. */
    private static List<String> resume(Path out) {
        List<String> cmd = train(out, out, true, "local[2]", 1, List.of());
        cmd.subList(cmd.indexOf("train") + 1, cmd.size()).clear();
        cmd.addAll(List.of("--out", out.toString(), "--resume"));
        return cmd;
    }

    /** A training process: {@code jvmArgs} go to the JVM (e.g. -Dspark.* settings). */
    private static List<String> train(Path data, Path out, boolean resume, String master, int iterations,
                                      List<String> jvmArgs) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--master", master, "--partitions", "2", "--cell", "lstm", "--hidden", "48", "--wordvec", "32",
                "--batch-size", "50", "--iterations", String.valueOf(iterations), "--checkpoint-every", "25",
                "--keep-checkpoints", "2", "--print-every", "50"));
        if (resume) {
            args.add("--resume");
        }
        return CaptionerProcess.command(jvmArgs, args);
    }

    @Test
    void aRetriedTaskChangesNothing() throws Exception {
        Path data = tmp.resolve("data");
        SyntheticDataset.write(data, 40, 5);
        Path clean = tmp.resolve("clean");
        Path cleanLog = tmp.resolve("clean.log");
        assertEquals(0, finish(start(train(data, clean, false, "local[2]", 12, List.of()), cleanLog), cleanLog),
                Files.readString(cleanLog));
        Path retried = tmp.resolve("retried");
        Path retriedLog = tmp.resolve("retried.log");
        // local[2,2]: two task slots, and a failed task may be tried twice.
        // The production logging config: the test config silences Spark's reports of failed tasks.
        List<String> cmd = train(data, retried, false, "local[2,2]", 12, List.of("-Dspark.captioner.failTaskOnce=5:1",
                "-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath()));
        assertEquals(0, finish(start(cmd, retriedLog), retriedLog), Files.readString(retriedLog));
        assertTrue(Files.readString(retriedLog).contains("injected failure"), "the task did fail once:\n"
                + Files.readString(retriedLog));
        assertArrayEquals(Checkpoint.read(clean.resolve("model.h5"), "clean", DType.FLOAT32).params().floatStorage(),
                Checkpoint.read(retried.resolve("model.h5"), "retried", DType.FLOAT32).params().floatStorage());
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        return CaptionerProcess.start(cmd, log);
    }

    private static int finish(Process p, Path log) throws Exception {
        return CaptionerProcess.finish(p, log);
    }

    @Test
    void killedRunResumesToTheSameParameters() throws Exception {
        Path data = tmp.resolve("data");
        SyntheticDataset.write(data, 80, 3);

        Path whole = tmp.resolve("whole");
        Path wholeLog = tmp.resolve("whole.log");
        assertEquals(0, finish(start(train(data, whole), wholeLog), wholeLog), Files.readString(wholeLog));

        Path cut = tmp.resolve("cut");
        Path cutLog = tmp.resolve("cut.log");
        Process victim = start(train(data, cut), cutLog);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (checkpoints(cut) < 2 && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(victim.isAlive(), "the run ended before it could be killed:\n" + Files.readString(cutLog));
        // One trainer per run: a second one is refused before any work, naming the one that holds the run.
        Object[] second = MainTest.run("train", "--out", cut.toString(), "--resume");
        assertEquals(Main.EXIT_BAD_INPUT, second[0], (String) second[2]);
        assertTrue(((String) second[2]).contains("is being trained by another process: pid " + victim.pid()),
                (String) second[2]);
        victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(cut.resolve("model.h5")), "killed before the end");

        Path resumeLog = tmp.resolve("resume.log");
        assertEquals(0, finish(start(resume(cut), resumeLog), resumeLog), Files.readString(resumeLog));
        String resumed = Files.readString(resumeLog);
        assertTrue(resumed.contains("resuming from iteration"), resumed);
        assertTrue(resumed.contains("warning: taking over the stale lock") && resumed.contains("process "
                + victim.pid() + " is gone"), resumed);

        float[] a = Checkpoint.read(whole.resolve("model.h5"), "whole", DType.FLOAT32).params().floatStorage();
        float[] b = Checkpoint.read(cut.resolve("model.h5"), "cut", DType.FLOAT32).params().floatStorage();
        assertArrayEquals(a, b);
        assertEquals(Files.readAllLines(whole.resolve("metrics.jsonl")).size(),
                Files.readAllLines(cut.resolve("metrics.jsonl")).size());
    }

    private static long checkpoints(Path out) throws IOException {
        Path dir = out.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).count();
        }
    }
}
