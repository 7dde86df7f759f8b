package captioner.train;

import captioner.io.LineLog;
import captioner.io.Location;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OUT/metrics.jsonl: one JSON object per iteration, flushed as it is written so a scheduler can
 * tail it. A resumed run keeps the lines up to its checkpoint's iteration and drops the rest (a
 * killed run may have logged iterations that the resumed run computes again).
 */
final class MetricsLog implements Closeable {
    private final LineLog out;

    private MetricsLog(LineLog out) {
        this.out = out;
    }

    /** Opens OUT/metrics.jsonl, keeping earlier lines whose iteration is at most {@code keepThrough}. */
    static MetricsLog open(RunDirectory dir, long keepThrough) {
        Location file = dir.file("metrics.jsonl");
        List<String> kept = new ArrayList<>();
        if (keepThrough > 0 && file.exists()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(file.open(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank() && RunDirectory.JSON.readTree(line).path("iteration").asLong(Long.MAX_VALUE) <= keepThrough) {
                        kept.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return new MetricsLog(LineLog.open(file, kept));
    }

    void append(Map<String, Object> record) {
        try {
            out.append(RunDirectory.JSON.writeValueAsString(record));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a metrics record as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        out.close();
    }
}
