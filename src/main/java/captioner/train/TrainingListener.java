package captioner.train;

import captioner.model.Checkpoint;
import captioner.model.ModelSpec;

/**
 * What a {@link Trainer} tells about its run, in order: {@link #runStarted} once; then for each iteration
 * {@link #iterationDone} and, when a checkpoint is due, {@link #checkpointDue}; then {@link #runEnded} or
 * {@link #runFailed}. The metrics log, checkpoints, loss plot, progress line and benchmark are listeners;
 * adding a consumer never means editing the loop. Listeners run on the driver, in the loop's thread, in the
 * order they were added; what they are given is valid for the call only (a checkpoint shares the live
 * parameters), so a listener that keeps something copies it.
 */
public interface TrainingListener {

    /**
     * A run about to compute its first iteration.
     *
     * @param config             the run's settings
     * @param model              the model trained (from the flags, an {@code --init} file or the resumed checkpoint)
     * @param parameters         how many parameters it has
     * @param numTrain           training captions
     * @param partitions         partitions of the training split
     * @param firstIteration     iterations already done (a resumed run's checkpoint), 0 for a new run
     * @param totalIterations    iterations the run ends at
     * @param iterationsPerEpoch iterations of one epoch
     * @param exchange           how parameters and gradients travel, and why, e.g. "reduce-scatter (the default on
     *                           a cluster with a task slot per partition)"
     */
    record Start(TrainConfig config, ModelSpec model, int parameters, long numTrain, int partitions,
                 long firstIteration, long totalIterations, long iterationsPerEpoch, String exchange) {
        /** Epochs the run ends at, the last one possibly partial. */
        long totalEpochs() {
            return (totalIterations + iterationsPerEpoch - 1) / iterationsPerEpoch;
        }
    }

    /**
     * A run that computed all its iterations.
     *
     * @param model  the final training state, what OUT/model.h5 holds
     * @param result how the run ended
     */
    record End(Checkpoint model, Trainer.Result result) {
    }

    default void runStarted(Start start) {
    }

    default void iterationDone(IterationMetrics metrics) {
    }

    /** A checkpoint is due after {@code checkpoint.iteration()} iterations (every checkpoint-every, and the last). */
    default void checkpointDue(Checkpoint checkpoint) {
    }

    default void runEnded(End end) {
    }

    /** The run stopped with {@code failure}, which the trainer throws once every listener has heard of it. */
    default void runFailed(RuntimeException failure) {
    }
}
