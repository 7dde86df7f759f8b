package captioner.data.classify;

import captioner.data.SparkJobs;
import captioner.data.TableJson;
import captioner.data.table.TableCommit;
import captioner.io.Location;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Writes labelled sentences as a sentence table ({@link SentenceTableSchema}) with Spark SQL, through the tables'
 * commit protocol ({@link TableCommit#write}): the whole table is written into a hidden sibling folder, table.json
 * last, and renamed into place, so no reader ever sees half a table. A split is small (CoLA's 8,551 sentences of 43
 * tokens are 1.5 MB), so its rows travel in the write job's tasks; each {@value #ROWS_PER_FILE} rows make one file.
 */
public final class SentenceTableWriter {
    static final int ROWS_PER_FILE = 1 << 18;

    private final SparkSession spark;

    public SentenceTableWriter(SparkSession spark) {
        this.spark = spark;
    }

    /** What was written. */
    public record Summary(String table, SentenceTableMetadata metadata, long bytes, double seconds) {
        /** One line: sentences per split, length, vocabulary, size, time. */
        public String describe() {
            StringBuilder s = new StringBuilder("prepared ").append(table).append(':');
            String sep = " ";
            for (Map.Entry<String, SentenceTableMetadata.SplitInfo> e : metadata.splits().entrySet()) {
                s.append(sep).append(e.getKey()).append(' ').append(e.getValue().sentences()).append(" sentences");
                sep = ", ";
            }
            return s.append(String.format(Locale.ROOT, " of %d tokens, %d words; %.2f MB in %.1f s",
                    metadata.sentenceLength(), metadata.words().size(), bytes / 1e6, seconds)).toString();
        }
    }

    /**
     * Writes {@code data} to {@code out}.
     *
     * @param special  the indices of UNK, CLS and PAD when prepare chose them; null when unknown (the seed's files)
     * @param counts   per split, what prepare left out (absent for a split that had nothing to leave out)
     * @param maxTrain the training subset's size, null for all
     * @throws captioner.BadInputException when {@code out} exists and may not be replaced
     */
    public Summary write(SentenceData data, SentenceTableMetadata.SpecialTokens special,
                         Map<String, LeftOutRows> counts, Integer maxTrain, long seed, String out, boolean overwrite) {
        Location target = Location.of(out, spark.sparkContext().hadoopConfiguration());
        TableCommit.Written<SentenceTableMetadata> written = TableCommit.write(target, overwrite, tmp -> {
            Map<String, SentenceTableMetadata.SplitInfo> infos = new LinkedHashMap<>();
            for (Map.Entry<String, SentenceSplit> e : data.splits().entrySet()) {
                writeSplit(e.getValue(), tmp.child(e.getKey()));
                infos.put(e.getKey(), new SentenceTableMetadata.SplitInfo(e.getValue().size(), counts.get(e.getKey())));
            }
            return SentenceTableMetadata.of(data.length(), data.words(), special,
                    TableJson.Provenance.now(data.source(), maxTrain, seed), infos);
        }, step -> { });
        return new Summary(target.toString(), written.metadata(), written.bytes(), written.seconds());
    }

    private void writeSplit(SentenceSplit split, Location dir) {
        int t = split.length();
        List<SentenceRow> rows = new ArrayList<>(split.size());
        for (int i = 0; i < split.size(); i++) {
            rows.add(new SentenceRow(i, Arrays.copyOfRange(split.tokens(), i * t, (i + 1) * t), split.labels()[i]));
        }
        int files = Math.max(1, (rows.size() + ROWS_PER_FILE - 1) / ROWS_PER_FILE);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> df = spark.createDataset(jsc.parallelize(rows, files).rdd(), Encoders.bean(SentenceRow.class))
                .select(col("sentenceIdx").as(SentenceTableSchema.SENTENCE_IDX),
                        col("tokens").as(SentenceTableSchema.TOKENS), col("label").as(SentenceTableSchema.LABEL));
        SparkJobs.run(() -> {
            df.write().mode(SaveMode.ErrorIfExists).parquet(dir.uri());
            return null;
        });
    }
}
