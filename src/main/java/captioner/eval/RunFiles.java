package captioner.eval;

import captioner.BadInputException;
import captioner.io.Location;
import captioner.train.RunLayout;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a report reads from a run's output directory ({@link RunLayout}): the run's
 * settings (OUT/run.json), the loss of every iteration (OUT/metrics.jsonl) and the path of its model
 * (OUT/model.h5).
 *
 * @param run        the settings; null when OUT has no run.json
 * @param iterations iteration numbers of {@code losses}
 * @param losses     the training loss per iteration; empty when OUT has no metrics.jsonl
 */
public record RunFiles(String out, JsonNode run, double[] iterations, double[] losses, double captionsPerSecond) {
    public static final String REPORT = "report.html";

    /** Reads OUT (a local path or any Hadoop URI); a missing OUT or model.h5 is bad input naming {@code --run}. */
    public static RunFiles read(String out, Configuration conf) {
        Location dir = Location.of(out, conf);
        if (!dir.isDirectory()) {
            throw new BadInputException("--run " + dir + ": no such directory; expected the --out directory of "
                    + "'captioner train'");
        }
        if (!dir.child(RunLayout.MODEL).exists()) {
            throw new BadInputException("--run " + dir + ": has no " + RunLayout.MODEL + "; expected a finished run of "
                    + "'captioner train' (a run still training has only checkpoints/: use 'evaluate --checkpoint')");
        }
        JsonNode run = null;
        Location runFile = dir.child(RunLayout.RUN);
        if (runFile.exists()) {
            try (InputStream in = runFile.open()) {
                run = SampleLines.JSON.readTree(in);
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("--run " + dir + ": " + RunLayout.RUN + " is not readable JSON (" + e.getMessage()
                        + ")", e);
            }
        }
        List<double[]> points = new ArrayList<>();
        double speed = 0;
        Location metrics = dir.child(RunLayout.METRICS);
        if (metrics.exists()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(metrics.open(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode m = SampleLines.JSON.readTree(line);
                    points.add(new double[] {m.path(RunLayout.Metric.ITERATION).asDouble(),
                        m.path(RunLayout.Metric.LOSS).asDouble(Double.NaN)});
                    speed += m.path(RunLayout.Metric.CAPTIONS_PER_S).asDouble();
                }
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("--run " + dir + ": " + RunLayout.METRICS + " is not readable JSON lines ("
                        + e.getMessage() + ")", e);
            }
        }
        double[] its = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] losses = points.stream().mapToDouble(p -> p[1]).toArray();
        return new RunFiles(out, run, its, losses, points.isEmpty() ? Double.NaN : speed / points.size());
    }

    /** OUT/name as the user would write it. */
    public String file(String name) {
        return out.endsWith("/") ? out + name : out + "/" + name;
    }

    /** A setting from run.json as text, or null when absent or null. */
    public String setting(String key) {
        JsonNode v = run == null ? null : run.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
