package captioner.data.raw;

import captioner.BadInputException;
import captioner.data.SparkJobs;
import captioner.io.Location;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a table of captions, one row per caption: an image id column (any type; compared as text) and a string
 * caption column. The rows are collected on the driver, in the table's order.
 */
public final class CaptionColumns {
    private CaptionColumns() {
    }

    public static RawCaptions read(SparkSession spark, Location table, String idCol, String captionCol) {
        Dataset<Row> df = Tables.read(spark, table);
        int id = FeatureColumn.columnIndex(df.schema(), idCol, table.toString());
        int caption = FeatureColumn.columnIndex(df.schema(), captionCol, table.toString());
        if (!df.schema().fields()[caption].dataType().equals(DataTypes.StringType)) {
            throw new BadInputException(table + ": column '" + captionCol + "' has type "
                    + df.schema().fields()[caption].dataType().simpleString() + "; expected string captions");
        }
        List<Row> rows = SparkJobs.run(() -> df.select(df.col(idCol), df.col(captionCol)).collectAsList());
        List<RawCaptions.Annotation> annotations = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            String imageId = Tables.id(rows.get(r), 0);
            if (imageId == null) {
                throw new BadInputException(table + ": row " + r + " has a null '" + idCol + "'; expected an image id");
            }
            annotations.add(new RawCaptions.Annotation(imageId, rows.get(r).isNullAt(1) ? "" : rows.get(r).getString(1)));
        }
        return new RawCaptions(table.toString(), annotations, Map.of(), List.of());
    }
}
