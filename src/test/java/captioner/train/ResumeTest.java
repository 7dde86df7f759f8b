package captioner.train;

import captioner.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static captioner.train.TrainingRuns.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resuming ends where an uninterrupted run does: after extending a run, and past a corrupt newest checkpoint. */
class ResumeTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(5, 40, 4, 15, 9, 12);

    private String train(TrainConfig c) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(SparkTesting.spark(), c, SparkTesting.input(DATA, 3),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The run's settings with another length, as {@code train --resume --iterations K} gives them. */
    private static TrainConfig longer(TrainConfig run, int iterations) {
        return RunSettings.resume(run, run.toBuilder().iterations(iterations).build(),
                List.of(RunLayout.Run.ITERATIONS)).config();
    }

    @Test
    void aFinishedRunExtendedEqualsALongerRun() throws IOException {
        String whole = tmp.resolve("whole").toString();
        train(TrainerTest.config(whole, 15, false));
        TrainConfig shortRun = TrainerTest.config(tmp.resolve("extended").toString(), 12, false);
        train(shortRun);
        String log = train(longer(shortRun, 15));
        assertTrue(log.contains("resuming from iteration 12"), log);
        assertArrayEquals(params(Path.of(whole, "model.h5")), params(tmp.resolve("extended/model.h5")));
        assertEquals(Files.readAllLines(Path.of(whole, "metrics.jsonl")).size(),
                Files.readAllLines(tmp.resolve("extended/metrics.jsonl")).size());
        // run.json now says 15: resuming it again finds it complete.
        TrainConfig again = RunSettings.stored(tmp.resolve("extended").toString(), SparkTesting.spark()
                .sparkContext().hadoopConfiguration()).orElseThrow();
        assertEquals(15, again.iterations());
        String done = train(again.toBuilder().resume(true).build());
        assertTrue(done.contains("is complete: 15 iterations"), done);
    }

    @Test
    void aShorterLengthThanDoneIsRefused() {
        TrainConfig run = TrainerTest.config(tmp.resolve("short").toString(), 10, false);
        train(run);
        BadInputException e = assertThrows(BadInputException.class, () -> train(longer(run, 7)));
        assertTrue(e.getMessage().contains("has done 10 iterations, more than the 7 asked for"), e.getMessage());
    }

    @Test
    void aCorruptNewestCheckpointIsSkippedWithItsName() throws IOException {
        String whole = tmp.resolve("whole").toString();
        train(TrainerTest.config(whole, 15, false));
        // Checkpoints at 5 and 10 of a 15-iteration run, as a run killed after iteration 10 leaves them.
        TrainConfig cut = TrainerTest.config(tmp.resolve("cut").toString(), 10, false);
        train(cut);
        Path newest = tmp.resolve("cut/checkpoints/" + RunLayout.checkpointName(10));
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        String log = train(longer(cut, 15));
        assertTrue(log.contains("warning: --resume skips " + newest), log);
        assertTrue(log.contains("resuming from iteration 5"), log);
        assertArrayEquals(params(Path.of(whole, "model.h5")), params(tmp.resolve("cut/model.h5")));
    }
}
