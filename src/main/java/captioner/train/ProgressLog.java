package captioner.train;

import captioner.model.CellType;
import captioner.model.ModelSpec;

import java.io.PrintStream;

/** The lines a person watches: what is trained, a progress line every print-every iterations, how it ended. */
final class ProgressLog implements TrainingListener {
    private final PrintStream log;
    private Start start;
    private long startNanos;
    private long captionsSeen;
    /** Sums of the iteration split after the first {@link #SETTLING} iterations of this process. */
    private final double[] split = new double[7];
    private long splitCount;
    /** Iterations whose times the summary leaves out: the JIT is still compiling Spark's and our code. */
    static final int SETTLING = 10;

    ProgressLog(PrintStream log) {
        this.log = log;
    }

    @Override
    public void runStarted(Start s) {
        start = s;
        startNanos = System.nanoTime();
        TrainConfig config = s.config();
        ModelSpec model = s.model();
        log.printf("training %s, %,d parameters, %s) on %,d %s in %d partitions: "
                        + "%d iterations, %d per epoch, batch %s%n",
                model.summary(), s.parameters(), config.dtype().label(), s.numTrain(), unit(), s.partitions(),
                s.totalIterations(),
                s.iterationsPerEpoch(),
                config.fullBatch() ? "full (" + s.numTrain() + ")" : String.valueOf(config.batchSize()));
        log.println("exchange: " + s.exchange());
    }

    @Override
    public void iterationDone(IterationMetrics m) {
        captionsSeen += m.captions();
        if (m.iteration() - start.firstIteration() > SETTLING) {
            double[] parts = {m.iterationMs(), m.computeMs(), m.broadcastMs(), m.paramsMs(), m.resultsMs(),
                    m.reduceMs(), m.updateMs()};
            for (int i = 0; i < parts.length; i++) {
                split[i] += parts[i];
            }
            splitCount++;
        }
        long total = start.totalIterations();
        if (m.iteration() % start.config().printEvery() == 0 || m.iteration() == total) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double perIteration = elapsed / (m.iteration() - start.firstIteration());
            log.printf("iteration %d/%d  epoch %d/%d  loss %.4f  %.0f %s/s  ETA %s%n", m.iteration(), total,
                    Math.min(m.epoch() + 1, start.totalEpochs()), start.totalEpochs(), m.loss(), captionsSeen / elapsed,
                    unit(), duration(perIteration * (total - m.iteration())));
        }
    }

    @Override
    public void runEnded(End end) {
        Trainer.Result r = end.result();
        log.printf("trained %s for %d iterations (%.2f epochs) in %s: final loss %.4f, %.0f %s/s; model at %s%n",
                end.model().model().cell().label(), r.iterations(), r.iterations() / (double) start.iterationsPerEpoch(),
                duration(r.seconds()), r.finalLoss(), r.captionsPerSecond(), unit(), r.model());
        if (splitCount > 0) {
            double[] mean = new double[split.length];
            for (int i = 0; i < split.length; i++) {
                mean[i] = split[i] / splitCount;
            }
            log.printf("per iteration (mean of the last %d): %.1f ms = slowest task's compute %.1f + overhead %.1f "
                            + "(broadcast %.1f, parameters into the task %.1f, scheduling and results %.1f, "
                            + "reduction %.1f, update %.1f)%n", splitCount, mean[0], mean[1], mean[0] - mean[1],
                    mean[2], mean[3], mean[4], mean[5], mean[6]);
        }
    }

    /**
     * What a training row is: a caption, or for the classifier a sentence (metrics.jsonl keeps the one key
     * {@code captions_per_s} for both; {@link RunLayout.Metric#CAPTIONS_PER_S} says so).
     */
    private String unit() {
        return start.model().cell() == CellType.CLASSIFIER ? "sentences" : "captions";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
        return s / 3600 + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }
}
