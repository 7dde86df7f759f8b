package captioner.data.table;

import captioner.data.CaptionSplit;
import captioner.data.ImageRow;
import captioner.data.SparkJobs;
import captioner.data.cs231n.Cs231nData;
import captioner.io.Location;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole caption table read back onto the driver in the form {@link captioner.data.cs231n.Cs231nReader} gives
 * (caption order restored from caption_rows, features by image_idx), so tests can compare a table with the
 * directory it was prepared from.
 */
final class TableReadBack {
    private TableReadBack() {
    }

    static Cs231nData read(SparkSession spark, String uri) {
        OpenedTable table = TableReader.open(Location.of(uri, spark.sparkContext().hadoopConfiguration()));
        TableMetadata meta = table.metadata();
        Map<String, CaptionSplit> splits = new LinkedHashMap<>();
        for (Map.Entry<String, TableMetadata.SplitInfo> e : meta.splits().entrySet()) {
            String split = e.getKey();
            TableMetadata.SplitInfo info = e.getValue();
            List<ImageRow> rows = SparkJobs.run(
                    () -> TableReader.imageRows(spark, table, split, true, true, info.urls()).collect());
            int[] imageOf = TableReader.imageOfRow(table.split(split).toString(), info, rows);
            int l = meta.captionLength();
            int d = meta.featureDim();
            int[] captions = new int[imageOf.length * l];
            float[] features = new float[info.images() * d];
            String[] urls = info.urls() ? new String[info.images()] : null;
            for (ImageRow r : rows) {
                System.arraycopy(r.getFeatures(), 0, features, r.getImageIdx() * d, d);
                int[] captionRows = r.getCaptionRows();
                for (int k = 0; k < captionRows.length; k++) {
                    System.arraycopy(r.getCaptions(), k * l, captions, captionRows[k] * l, l);
                }
                if (urls != null) {
                    urls[r.getImageIdx()] = r.getUrl();
                }
            }
            splits.put(split, new CaptionSplit(split, captions, l, imageOf, features, d, urls));
        }
        return new Cs231nData(table.location().toString(), meta.featureKind(), table.vocab(), splits);
    }
}
