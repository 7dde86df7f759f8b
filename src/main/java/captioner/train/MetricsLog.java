package captioner.train;

import captioner.BadInputException;
import captioner.io.LineLog;
import captioner.io.Location;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OUT/metrics.jsonl: one JSON object per iteration, flushed as it is written so a scheduler can
 * tail it. A resumed run keeps the lines up to its checkpoint's iteration and drops the rest (a
 * killed run may have logged iterations that the resumed run computes again).
 */
final class MetricsLog implements TrainingListener {
    private final RunDirectory dir;
    private LineLog out;

    MetricsLog(RunDirectory dir) {
        this.dir = dir;
    }

    /** Opens OUT/metrics.jsonl, keeping earlier lines whose iteration is at most the run's first. */
    @Override
    public void runStarted(Start start) {
        Location file = dir.file(RunLayout.METRICS);
        List<String> kept = new ArrayList<>();
        long keepThrough = start.firstIteration();
        if (keepThrough > 0 && file.exists()) {
            // A killed run's HDFS lease on the file is recovered first; a line it did not finish is dropped.
            List<String> lines = LineLog.read(file);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank() && iteration(file, i, lines.get(i)) <= keepThrough) {
                    kept.add(lines.get(i));
                }
            }
        }
        out = LineLog.open(file, kept);
    }

    private static long iteration(Location file, int index, String line) {
        try {
            return RunLayout.JSON.readTree(line).path(RunLayout.Metric.ITERATION).asLong(Long.MAX_VALUE);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + " line " + (index + 1) + ": not a JSON metrics record ("
                    + e.getOriginalMessage() + "); expected one object per line as train writes them", e);
        }
    }

    @Override
    public void iterationDone(IterationMetrics metrics) {
        try {
            out.append(RunLayout.JSON.writeValueAsString(metrics.record()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a metrics record as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void runEnded(End end) {
        close();
    }

    @Override
    public void runFailed(RuntimeException failure) {
        close();
    }

    private void close() {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
