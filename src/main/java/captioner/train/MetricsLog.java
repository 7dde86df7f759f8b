package captioner.train;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

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
    private FSDataOutputStream out;

    MetricsLog(RunDirectory dir) {
        this.dir = dir;
    }

    /** Opens OUT/metrics.jsonl, keeping earlier lines whose iteration is at most the run's first. */
    @Override
    public void runStarted(Start start) {
        Path file = dir.file(RunLayout.METRICS);
        try {
            List<String> kept = new ArrayList<>();
            long keepThrough = start.firstIteration();
            if (keepThrough > 0 && dir.fs().exists(file)) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(dir.fs().open(file), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (!line.isBlank() && RunLayout.JSON.readTree(line).path(RunLayout.Metric.ITERATION)
                                .asLong(Long.MAX_VALUE) <= keepThrough) {
                            kept.add(line);
                        }
                    }
                }
            }
            out = dir.fs().create(file, true);
            for (String line : kept) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void iterationDone(IterationMetrics metrics) {
        try {
            out.write((RunLayout.JSON.writeValueAsString(metrics.record()) + "\n").getBytes(StandardCharsets.UTF_8));
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + RunLayout.METRICS + ": " + e.getMessage(), e);
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
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out = null;
        }
    }
}
