package captioner.train;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One trainer per run directory: a live holder refuses others, a stale one is taken over only by --resume. */
class RunLockTest {
    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

    @Test
    void aLiveHolderRefusesASecondTrainerAndReleasesOnClose() {
        String dir = tmp.resolve("run").toString();
        RunLock first = RunLock.acquire(dir, conf, false, out);
        BadInputException e = assertThrows(BadInputException.class, () -> RunLock.acquire(dir, conf, true, out));
        assertTrue(e.getMessage().contains("is being trained by another process: pid " + ProcessHandle.current().pid()),
                e.getMessage());
        first.close();
        assertFalse(Files.exists(tmp.resolve("run").resolve(RunLayout.LOCK)));
        RunLock.acquire(dir, conf, false, out).close();
    }

    @Test
    void aFolderTheLockCreatedGoesWithItWhenNothingElseWasWritten() throws IOException {
        Path refused = tmp.resolve("refused");
        RunLock.acquire(refused.toString(), conf, false, out).close();
        assertFalse(Files.exists(refused), "a run refused after taking the lock leaves nothing");
        Path written = tmp.resolve("written");
        RunLock lock = RunLock.acquire(written.toString(), conf, false, out);
        Files.writeString(written.resolve(RunLayout.RUN), "{}");
        lock.close();
        assertTrue(Files.exists(written.resolve(RunLayout.RUN)));
        assertFalse(Files.exists(written.resolve(RunLayout.LOCK)));
        Path given = Files.createDirectory(tmp.resolve("given"));
        RunLock.acquire(given.toString(), conf, false, out).close();
        assertTrue(Files.isDirectory(given), "a folder that was there stays");
    }

    @Test
    void aNewRunStartsWhileItsHeartbeatIsBeingWrittenButNotBesideOtherFiles() throws IOException {
        Path run = tmp.resolve("beating");
        TrainConfig config = TrainConfig.builder().out(run.toString()).partitions(1).master("local").build();
        RunLock lock = RunLock.acquire(run.toString(), conf, false, out);
        try {
            // What a heartbeat leaves for the moment it takes to write the lock's new content and rename it.
            Files.writeString(run.resolve("." + RunLayout.LOCK + ".tmp-" + java.util.UUID.randomUUID()), "{}");
            assertFalse(new RunDirectory(run.toString(), conf).check(config, java.util.List.of()));
            Files.writeString(run.resolve("notes.txt"), "mine");
            BadInputException e = assertThrows(BadInputException.class,
                    () -> new RunDirectory(run.toString(), conf).check(config, java.util.List.of()));
            assertTrue(e.getMessage().contains("is not empty and holds no captioner run"), e.getMessage());
        } finally {
            lock.close();
        }
    }

    @Test
    void aLockWithAnOldHeartbeatFromAnotherHostIsTakenOverByResumeOnly() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("stale"));
        String old = Instant.now().minus(RunLock.STALE_AFTER.multipliedBy(2)).toString();
        Files.writeString(run.resolve(RunLayout.LOCK), RunLayout.JSON.writeValueAsString(
                new RunLock.Holder("elsewhere.example", 42, "", old, old)));
        BadInputException e = assertThrows(BadInputException.class,
                () -> RunLock.acquire(run.toString(), conf, false, out));
        assertTrue(e.getMessage().contains("has a stale lock") && e.getMessage().contains("pass --resume"),
                e.getMessage());
        RunLock.acquire(run.toString(), conf, true, out).close();
        String said = log.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("warning: taking over the stale lock") && said.contains("pid 42 on elsewhere.example")
                && said.contains("heartbeat is"), said);
    }

    @Test
    void aRecentHeartbeatFromAnotherHostHoldsTheLock() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("live"));
        String now = Instant.now().toString();
        Files.writeString(run.resolve(RunLayout.LOCK), RunLayout.JSON.writeValueAsString(
                new RunLock.Holder("elsewhere.example", 42, "", now, now)));
        BadInputException e = assertThrows(BadInputException.class,
                () -> RunLock.acquire(run.toString(), conf, true, out));
        assertTrue(e.getMessage().contains("pid 42 on elsewhere.example"), e.getMessage());
    }
}
