package captioner.train;

import captioner.io.LineLog;
import captioner.io.Location;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
            try (BufferedReader r = new BufferedReader(new InputStreamReader(file.open(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank() && RunLayout.JSON.readTree(line).path(RunLayout.Metric.ITERATION)
                            .asLong(Long.MAX_VALUE) <= keepThrough) {
                        kept.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        out = LineLog.open(file, kept);
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
