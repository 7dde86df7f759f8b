package captioner.train;

import captioner.model.Checkpoint;

/** Writes each due checkpoint under OUT/checkpoints (keeping the newest few) and the final state as OUT/model.h5. */
final class CheckpointWriter implements TrainingListener {
    private final RunDirectory dir;
    private final int keep;

    CheckpointWriter(RunDirectory dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    @Override
    public void checkpointDue(Checkpoint checkpoint) {
        dir.putCheckpoint(checkpoint, keep);
    }

    @Override
    public void runEnded(End end) {
        dir.putModel(end.model());
    }
}
