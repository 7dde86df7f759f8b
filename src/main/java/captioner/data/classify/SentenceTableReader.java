package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.SparkJobs;
import captioner.data.TableJson;
import captioner.data.table.TableMetadata;
import captioner.io.Location;
import captioner.model.Vocabulary;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Reads a sentence table ({@link SentenceTableSchema}): table.json on the driver, each split's Parquet files on
 * Spark, every row checked on the executors ({@link SentenceRowDecoder}) and collected into the split's order by
 * {@code sentence_idx}, each index exactly once. The result is the {@link SentenceData} the seed's folder gives.
 */
public final class SentenceTableReader {
    private SentenceTableReader() {
    }

    /** Whether {@code dir} holds a table's metadata (what tells a table from the seed's folder). */
    public static boolean holdsTable(Location dir) {
        return dir.child(SentenceTableSchema.METADATA_FILE).exists();
    }

    /** The metadata of the table at {@code dir}; a caption table is refused, naming what was expected. */
    public static SentenceTableMetadata metadata(Location dir) {
        Location metaFile = dir.child(SentenceTableSchema.METADATA_FILE);
        JsonNode root;
        try (InputStream in = metaFile.open()) {
            root = TableJson.parse(in, metaFile.toString(), SentenceTableMetadata.FORMAT);
        } catch (IOException e) {
            throw new BadInputException(metaFile + ": cannot read it (" + e + ")", e);
        }
        if (TableMetadata.FORMAT.describes(root)) {
            throw new BadInputException(dir + ": is a caption table; expected a sentence table ('captioner prepare "
                    + "--task classify' writes one) or the seed's folder (" + SeedFiles.VOCABULARY + ", …)");
        }
        return SentenceTableMetadata.read(root, metaFile.toString());
    }

    /** Reads the table at {@code dir} (local path or Hadoop URI, as given: it names the data in messages). */
    public static SentenceData read(String dir, SparkSession spark) {
        Location loc = Location.of(dir, spark.sparkContext().hadoopConfiguration());
        SentenceTableMetadata meta = metadata(loc);
        Vocabulary.sentenceWords(meta.words(), loc.child(SentenceTableSchema.METADATA_FILE) + " words");
        Map<String, SentenceSplit> splits = new LinkedHashMap<>();
        for (Map.Entry<String, SentenceTableMetadata.SplitInfo> e : meta.splits().entrySet()) {
            splits.put(e.getKey(), split(spark, loc, e.getKey(), e.getValue().sentences(), meta));
        }
        return new SentenceData(dir, meta.words(), splits);
    }

    private static SentenceSplit split(SparkSession spark, Location table, String name, int sentences,
                                       SentenceTableMetadata meta) {
        Location dir = table.child(name);
        String where = dir.toString();
        if (!dir.isDirectory()) {
            throw new BadInputException(where + ": no such folder, but " + SentenceTableSchema.METADATA_FILE
                    + " lists split '" + name + "'; expected a complete table");
        }
        Dataset<Row> df;
        try {
            df = spark.read().parquet(dir.uri());
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": cannot read as Parquet (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); expected the split written by 'captioner prepare --task classify'", e);
        }
        SentenceTableSchema.check(df.schema(), where);
        int t = meta.sentenceLength();
        SentenceRowDecoder decoder = new SentenceRowDecoder(where, sentences, t, meta.words().size());
        Dataset<Row> selected = df.select(col(SentenceTableSchema.SENTENCE_IDX), col(SentenceTableSchema.TOKENS),
                col(SentenceTableSchema.LABEL));
        List<int[]> rows = SparkJobs.run(() -> selected.queryExecution().toRdd().toJavaRDD().map(decoder::decode)
                .collect());
        if (rows.size() != sentences) {
            throw new BadInputException(where + ": has " + rows.size() + " rows but "
                    + SentenceTableSchema.METADATA_FILE + " says " + sentences + " sentences; expected one row per sentence");
        }
        int[] tokens = new int[sentences * t];
        int[] labels = new int[sentences];
        boolean[] seen = new boolean[sentences];
        for (int[] r : rows) {
            if (seen[r[0]]) {
                throw new BadInputException(where + ": " + SentenceTableSchema.SENTENCE_IDX + " " + r[0] + " occurs "
                        + "twice; expected one row per sentence");
            }
            seen[r[0]] = true;
            labels[r[0]] = r[1];
            System.arraycopy(r, 2, tokens, r[0] * t, t);
        }
        return new SentenceSplit(name, t, tokens, labels);
    }
}
