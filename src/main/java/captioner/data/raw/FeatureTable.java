package captioner.data.raw;

import captioner.BadInputException;
import captioner.data.SparkJobs;
import captioner.io.Location;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image features keyed by image id, collected on the driver (COCO train at 512 floats: 170 MB): every row must
 * have an id and {@code dim} finite values, the width of the first row.
 *
 * @param byId       id → features, in the table's order; a repeated id keeps its first row
 * @param duplicates ids seen more than once, in order
 */
public record FeatureTable(String source, Map<String, float[]> byId, int dim, List<String> duplicates) {

    public static FeatureTable read(SparkSession spark, Location table, String idCol, String featuresCol) {
        Dataset<Row> df = Tables.read(spark, table);
        FeatureColumn.columnIndex(df.schema(), idCol, table.toString());
        FeatureColumn.of(df.schema(), featuresCol, table.toString());
        Dataset<Row> two = df.select(df.col(idCol), df.col(featuresCol));
        FeatureColumn features = FeatureColumn.of(two.schema(), featuresCol, table.toString());
        List<Row> rows = SparkJobs.run(two::collectAsList);
        Map<String, float[]> byId = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        int dim = -1;
        for (int r = 0; r < rows.size(); r++) {
            String id = Tables.id(rows.get(r), 0);
            if (id == null) {
                throw new BadInputException(table + ": row " + r + " has a null '" + idCol + "'; expected an image id");
            }
            float[] f = features.floats(rows.get(r));
            dim = dim < 0 && f != null ? f.length : dim;
            String problem = FeatureColumn.problem(f, Math.max(dim, 1));
            if (problem != null) {
                throw new BadInputException(table + ": image " + id + ": " + problem
                        + (f != null && f.length != dim ? " (the width of the first row)" : ""));
            }
            if (byId.putIfAbsent(id, f) != null) {
                duplicates.add(id);
            }
        }
        if (byId.isEmpty()) {
            throw new BadInputException(table + ": no rows; expected image features");
        }
        return new FeatureTable(table.toString(), byId, dim, duplicates);
    }
}
