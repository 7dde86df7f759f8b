package captioner.data.raw;

import captioner.BadInputException;
import captioner.data.SparkJobs;
import captioner.io.Location;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/** Opens a table by its name: {@code .csv} is CSV with a header line, {@code .json}/{@code .jsonl} JSON lines,
 *  anything else (a file or a folder) Parquet. */
public final class Tables {
    private Tables() {
    }

    public static Dataset<Row> read(SparkSession spark, Location table) {
        if (!table.exists()) {
            throw new BadInputException(table + ": no such file or folder; expected a Parquet, CSV or JSON-lines table");
        }
        String name = table.name().toLowerCase(Locale.ROOT);
        return SparkJobs.run(() -> {
            if (name.endsWith(".csv")) {
                return spark.read().option("header", "true").option("inferSchema", "true").csv(table.uri());
            }
            if (isJsonLines(table)) {
                return spark.read().json(table.uri());
            }
            return spark.read().parquet(table.uri());
        });
    }

    public static boolean isJsonLines(Location table) {
        String name = table.name().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json");
    }

    /** The cell as an id: its text form (an int 7 and a string "7" are the same image), or null. */
    static String id(Row row, int index) {
        return row.isNullAt(index) ? null : String.valueOf(row.get(index));
    }
}
