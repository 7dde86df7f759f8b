package captioner.eval;

import captioner.data.SparkJobs;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what {@link ImageCaptioning} produced: captions as JSON lines (one file, input order) when the name ends in
 * {@code .jsonl} or {@code .json}, else as a Parquet folder written aside and renamed into place; rejected rows as
 * JSON lines {@code {"id": ..., "reason": ..., "row": ...}}. A reader never sees a partial file or folder.
 */
public final class CaptionOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaptionOutput() {
    }

    public static boolean isJsonLines(Location out) {
        String name = out.name().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json");
    }

    /** Writes the captioned rows to {@code out}, replacing what is there (the caller decided it may). */
    public static void writeCaptions(ImageCaptioning.Result result, Location out) {
        Dataset<Row> captioned = result.captioned();
        if (isJsonLines(out)) {
            Dataset<Row> ordered = result.all().filter(result.all().col(ImageCaptioning.REASON).isNull())
                    .orderBy(result.all().col(ImageCaptioning.ROW));
            List<Row> rows = SparkJobs.run(ordered::collectAsList);
            StringBuilder text = new StringBuilder();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(result.idCol(), r.getAs(result.idCol()));
                m.put(ImageCaptioning.CAPTION, r.getAs(ImageCaptioning.CAPTION));
                m.put(ImageCaptioning.LOG_PROB, r.getAs(ImageCaptioning.LOG_PROB));
                text.append(json(m)).append('\n');
            }
            AtomicWrites.writeText(out, text.toString());
            return;
        }
        Location tmp = AtomicWrites.temporarySibling(out);
        Location old = null;
        try {
            SparkJobs.run(() -> {
                captioned.write().parquet(tmp.uri());
                return null;
            });
            if (out.exists()) {
                old = AtomicWrites.temporarySibling(out);
                if (!AtomicWrites.moveFolder(out, old)) {
                    throw new IllegalStateException(out + ": could not move the old output aside");
                }
            }
            if (!AtomicWrites.moveFolder(tmp, out)) {
                throw new IllegalStateException(out + ": another writer created it while captions were written");
            }
        } finally {
            tmp.deleteQuietly();
            if (old != null) {
                old.deleteQuietly();
            }
        }
    }

    /** Writes the rejected rows as JSON lines; returns how many there were. */
    public static long writeRejected(ImageCaptioning.Result result, Location out) {
        List<Row> rows = SparkJobs.run(() -> result.rejected().collectAsList());
        StringBuilder text = new StringBuilder();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.get(0));
            m.put(ImageCaptioning.REASON, r.getString(1));
            m.put(ImageCaptioning.ROW, r.getLong(2));
            text.append(json(m)).append('\n');
        }
        AtomicWrites.writeText(out, text.toString());
        return rows.size();
    }

    private static String json(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
