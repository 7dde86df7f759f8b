package captioner.train;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

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
    private final FSDataOutputStream out;

    private MetricsLog(FSDataOutputStream out) {
        this.out = out;
    }

    /** Opens OUT/metrics.jsonl, keeping earlier lines whose iteration is at most {@code keepThrough}. */
    static MetricsLog open(RunDirectory dir, long keepThrough) {
        Path file = dir.file("metrics.jsonl");
        try {
            List<String> kept = new ArrayList<>();
            if (keepThrough > 0 && dir.fs().exists(file)) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(dir.fs().open(file), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (!line.isBlank() && RunDirectory.JSON.readTree(line).path("iteration").asLong(Long.MAX_VALUE) <= keepThrough) {
                            kept.add(line);
                        }
                    }
                }
            }
            FSDataOutputStream out = dir.fs().create(file, true);
            for (String line : kept) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.hflush();
            return new MetricsLog(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    void append(Map<String, Object> record) {
        try {
            out.write((RunDirectory.JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.jsonl: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
