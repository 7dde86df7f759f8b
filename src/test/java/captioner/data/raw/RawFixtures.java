package captioner.data.raw;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small COCO annotation files and Parquet feature tables written in code, for the prepare tests. */
public final class RawFixtures {
    private RawFixtures() {
    }

    /**
     * Training captions: image 1 (two captions with mixed case and punctuation), image 2 (one short, one over-long
     * caption; listed twice in "images"), image 3 (only an empty caption), image 4 (no features anywhere).
     */
    public static Path trainCaptions(Path dir) throws IOException {
        String json = """
                {"info": {"year": 2014},
                 "images": [{"id": 1, "file_name": "a.jpg", "coco_url": "http://x/1.jpg"},
                            {"id": 2, "file_name": "b.jpg", "flickr_url": "http://f/2.jpg"},
                            {"id": 2, "file_name": "b.jpg"},
                            {"id": 3, "file_name": "c.jpg"}, {"id": 4, "file_name": "d.jpg"}],
                 "annotations": [
                   {"id": 10, "image_id": 1, "caption": "A man riding a HORSE."},
                   {"id": 11, "image_id": 2, "caption": "a dog on a couch"},
                   {"id": 12, "image_id": 1, "caption": "  A man's horse,\\trunning!"},
                   {"id": 13, "image_id": 3, "caption": "!!! ..."},
                   {"id": 14, "image_id": 4, "caption": "a cat"},
                   {"id": 15, "image_id": 2, "caption": "A very very very very very very very very very very very very very very long caption about a dog"}
                 ]}
                """;
        return Files.writeString(dir.resolve("captions_train.json"), json, StandardCharsets.UTF_8);
    }

    /** Validation captions of image 10: one word the training captions lack ("beach"). */
    public static Path valCaptions(Path dir) throws IOException {
        return Files.writeString(dir.resolve("captions_val.json"), """
                {"images": [{"id": 10, "coco_url": "http://x/10.jpg"}],
                 "annotations": [{"image_id": 10, "caption": "A horse on a beach"}]}
                """, StandardCharsets.UTF_8);
    }

    /** array&lt;double&gt; features of width 3: image k is (k, k + 0.5, -k). */
    public static Path features(SparkSession spark, Path dir, String name, int... ids) {
        StructType schema = new StructType().add("image_id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> rows = new ArrayList<>();
        for (int id : ids) {
            rows.add(RowFactory.create((long) id, List.of((double) id, id + 0.5, (double) -id)));
        }
        Path out = dir.resolve(name);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(out.toString());
        return out;
    }

    /** The same features as {@link #features} as Spark ML vectors (sparse for even ids) under column "vec". */
    public static Path vectorFeatures(SparkSession spark, Path dir, String name, int... ids) {
        StructType schema = new StructType().add("image_id", DataTypes.LongType).add("vec", new VectorUDT());
        List<Row> rows = new ArrayList<>();
        for (int id : ids) {
            rows.add(RowFactory.create((long) id, id % 2 == 0
                    ? Vectors.sparse(3, new int[] {0, 1, 2}, new double[] {id, id + 0.5, -id})
                    : Vectors.dense(id, id + 0.5, -id)));
        }
        Path out = dir.resolve(name);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(out.toString());
        return out;
    }
}
