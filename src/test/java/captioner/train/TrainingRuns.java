package captioner.train;

import captioner.model.Checkpoint;
import captioner.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Training runs in tests, for every model family: a run with its log discarded, the parameters a run wrote, and
 * the resume-from-a-checkpoint check each family must pass.
 */
public final class TrainingRuns {
    private TrainingRuns() {
    }

    /** A log nobody reads. */
    public static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Trains {@code config} on {@code input}, its log discarded. */
    static Trainer.Result train(TrainConfig config, Trainer.Input input) {
        return new Trainer(SparkTesting.spark(), config, input, quiet()).run();
    }

    /** The float32 parameters in a model file: a run's model.h5 or one of its checkpoints. */
    public static float[] params(Path modelFile) {
        return Checkpoint.read(modelFile, modelFile.toString(), DType.FLOAT32).params().floatStorage();
    }

    /** The float32 parameters the run in folder {@code run} ended with (its model.h5). */
    public static float[] runParams(Path run) {
        return params(run.resolve(RunLayout.MODEL));
    }

    /**
     * Trains {@code config(TMP/whole, false)} and {@code config(TMP/cut, false)}, rolls cut back to its checkpoint
     * before the last one, as a kill between the two would leave it (the last checkpoint and model.h5 deleted),
     * resumes it with {@code config(TMP/cut, true)} and asserts that it ends with whole's parameters bit for bit.
     *
     * @param config a run's settings in the given folder, resuming or not; at least two checkpoints apart
     * @return the resumed run's folder, TMP/cut
     */
    static Path assertResumedRunEndsBitwiseIdentical(Path tmp, BiFunction<Path, Boolean, TrainConfig> config,
                                                     Consumer<TrainConfig> train) throws IOException {
        Path whole = tmp.resolve("whole");
        TrainConfig first = config.apply(whole, false);
        train.accept(first);
        Path cut = tmp.resolve("cut");
        train.accept(config.apply(cut, false));
        Files.delete(cut.resolve(RunLayout.CHECKPOINTS).resolve(RunLayout.checkpointName(first.iterations())));
        Files.delete(cut.resolve(RunLayout.MODEL));
        train.accept(config.apply(cut, true));
        assertArrayEquals(runParams(whole), runParams(cut));
        return cut;
    }
}
