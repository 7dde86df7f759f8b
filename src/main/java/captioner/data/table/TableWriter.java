package captioner.data.table;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.CaptionsByImage;
import captioner.data.FeatureKind;
import captioner.data.ImageRow;
import captioner.data.SparkJobs;
import captioner.data.TableJson;
import captioner.data.TrainingSubset;
import captioner.data.VocabularyJson;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nLayout;
import captioner.data.cs231n.Cs231nReader;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import captioner.model.Vocabulary;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;

/**
 * Writes a caption table ({@link TableSchema}) with Spark SQL: one row per image, features once per image, the
 * whole table written aside and renamed into place ({@link TableCommit}).
 *
 * <p>Memory while writing: one split of the source at a time as loaded by {@link Cs231nReader} (COCO train: 170 MB
 * of PCA features, 1.4 GB of fc7) plus, per wave of {@code defaultParallelism} chunks of about 64 MB, a compact
 * copy and its serialized broadcast pieces. Each chunk becomes one Parquet file.
 */
public final class TableWriter {
    /** Bytes of features and captions per written chunk (one Parquet file each). */
    static final long CHUNK_BYTES = 64L << 20;

    private final SparkSession spark;
    /**
     * Told each step as it is done: "written:SPLIT" after each split's Parquet files, "metadata" after table.json,
     * "commit" just before the rename (a test fails the write there to check that nothing partial is left).
     */
    private final Consumer<String> steps;

    public TableWriter(SparkSession spark) {
        this(spark, step -> { });
    }

    TableWriter(SparkSession spark, Consumer<String> steps) {
        this.spark = spark;
        this.steps = steps;
    }

    /** What {@link #prepare} or {@link #write} wrote. */
    public record Summary(String table, TableMetadata metadata, long bytes, double seconds) {
        /** One line: images and captions per split, size, time. */
        public String describe() {
            StringBuilder s = new StringBuilder("prepared ").append(table).append(':');
            String sep = " ";
            for (Map.Entry<String, TableMetadata.SplitInfo> e : metadata.splits().entrySet()) {
                s.append(sep).append(e.getKey()).append(' ').append(e.getValue().images()).append(" images, ")
                        .append(e.getValue().captions()).append(" captions");
                sep = "; ";
            }
            return s.append(String.format(Locale.ROOT, " (%s features × %d); %.1f MB in %.1f s",
                    metadata.featureKind(), metadata.featureDim(), bytes / 1e6, seconds)).toString();
        }
    }

    /**
     * Reads the cs231n directory {@code dataDir} one split at a time and writes it as a table to {@code out}.
     *
     * @param maxTrain keep this many training captions ({@link TrainingSubset}, which checks the size); null keeps all
     * @throws BadInputException for bad input files, or an existing {@code out} without {@code overwrite} (checked
     *         before anything is read)
     */
    public Summary prepare(String dataDir, String out, FeatureKind kind, Integer maxTrain, long seed,
                           boolean overwrite) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Location target = Location.of(out, conf);
        TableCommit.checkTarget(target, overwrite);
        List<String> splits = Cs231nReader.splitsPresent(dataDir, conf);
        // Train is read first for the vocabulary; every other split is read when its turn comes. Nothing keeps a
        // split once it is written (fc7 train alone is 1.4 GB).
        Cs231nData first = Cs231nReader.read(dataDir, conf, kind, maxTrain, seed, List.of(Cs231nLayout.TRAIN));
        Vocabulary vocab = first.vocab();
        String source = first.source();
        CaptionSplit[] train = {first.train()};
        first = null;
        return writeTable(target, overwrite, vocab, kind, source, maxTrain, seed, splits, split -> {
            if (split.equals(Cs231nLayout.TRAIN)) {
                CaptionSplit s = train[0];
                train[0] = null;
                return s;
            }
            Cs231nData d = Cs231nReader.read(dataDir, conf, kind, null, seed, List.of(split));
            if (!d.vocab().words().equals(vocab.words())) {
                throw new BadInputException(dataDir + ": the vocabulary changed while the table was being written; "
                        + "expected the input to stay the same");
            }
            return d.split(split);
        }, split -> source + "/" + kind.fileName(split), Map.of());
    }

    /**
     * Writes data already loaded on the driver (e.g. by {@link Cs231nReader}) as a table. Its maxTrain is
     * recorded as unknown (null), since the captions are taken as they are.
     */
    public Summary write(Cs231nData data, String out, boolean overwrite) {
        return write(data, out, overwrite, Map.of());
    }

    /** As {@link #write(Cs231nData, String, boolean)}, recording each split's {@link PrepareCounts} in table.json. */
    public Summary write(Cs231nData data, String out, boolean overwrite, Map<String, PrepareCounts> counts) {
        Location target = Location.of(out, spark.sparkContext().hadoopConfiguration());
        return writeTable(target, overwrite, data.vocab(), data.featureKind(), data.source(), null, 0,
                data.splitNames(), data::split, split -> data.source() + " split " + split, counts);
    }

    private interface SplitLoader {
        CaptionSplit load(String split);
    }

    private interface Describer {
        String describe(String split);
    }

    private Summary writeTable(Location out, boolean overwrite, Vocabulary vocab, FeatureKind kind, String source,
                               Integer maxTrain, long seed, List<String> splits, SplitLoader loader,
                               Describer describer, Map<String, PrepareCounts> counts) {
        // Broadcasts are destroyed after each wave but stay referenced until the table is written: otherwise a GC
        // right after destroy() lets Spark's ContextCleaner remove the same blocks again while the asynchronous
        // removal runs, and Spark warns about blocks "which do not exist".
        List<Object> destroyed = new ArrayList<>();
        TableCommit.Written<TableMetadata> written = TableCommit.write(out, overwrite, tmp -> {
            Map<String, TableMetadata.SplitInfo> infos = new LinkedHashMap<>();
            int captionLength = -1;
            int featureDim = -1;
            String firstSplit = null;
            for (String split : splits) {
                CaptionSplit s = loader.load(split);
                if (firstSplit != null && s.captionLength() != captionLength) {
                    throw new BadInputException(describer.describe(split) + ": captions of split '" + split + "' have "
                            + s.captionLength() + " tokens but those of '" + firstSplit + "' have " + captionLength
                            + "; expected every split to have the same caption length");
                }
                if (firstSplit != null && s.featureDim() != featureDim) {
                    throw new BadInputException(describer.describe(split) + ": " + s.featureDim()
                            + " features per image but " + describer.describe(firstSplit) + " has " + featureDim
                            + "; expected every split to have the same feature width");
                }
                captionLength = s.captionLength();
                featureDim = s.featureDim();
                firstSplit = firstSplit == null ? split : firstSplit;
                writeSplit(s, tmp.child(split), destroyed);
                infos.put(split, new TableMetadata.SplitInfo(s.numImages(), s.numCaptions(), s.hasUrls(),
                        counts.get(split)));
                s = null; // let the split go before the next one is read
                steps.accept("written:" + split);
            }
            AtomicWrites.write(tmp.child(TableSchema.VOCAB_FILE), file -> {
                try (OutputStream o = Files.newOutputStream(file)) {
                    VocabularyJson.write(vocab, o);
                }
            });
            return TableMetadata.of(captionLength, featureDim, kind, vocab.size(),
                    TableJson.Provenance.now(source, maxTrain, seed), infos);
        }, steps);
        java.lang.ref.Reference.reachabilityFence(destroyed);
        return new Summary(out.toString(), written.metadata(), written.bytes(), written.seconds());
    }

    /** Writes one split in chunks of consecutive images, {@code defaultParallelism} chunks per Spark job. */
    private void writeSplit(CaptionSplit split, Location dir, List<Object> destroyed) {
        CaptionsByImage groups = CaptionsByImage.of(split.imageIdxs(), split.numImages());
        int n = split.numImages();
        long perImage = 4L * split.featureDim() + 4L * (split.captionLength() + 1) * split.numCaptions() / n + 64;
        int imagesPerChunk = (int) Math.max(1, Math.min(n, CHUNK_BYTES / perImage));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int wave = Math.max(1, jsc.defaultParallelism());
        Encoder<ImageRow> encoder = Encoders.bean(ImageRow.class);
        for (int first = 0; first < n; ) {
            List<Broadcast<SplitChunk>> chunks = new ArrayList<>();
            try {
                for (int k = 0; k < wave && first < n; k++) {
                    int count = Math.min(imagesPerChunk, n - first);
                    chunks.add(jsc.broadcast(SplitChunk.of(split, groups, first, count)));
                    first += count;
                }
                List<Integer> ids = new ArrayList<>();
                for (int k = 0; k < chunks.size(); k++) {
                    ids.add(k);
                }
                List<Broadcast<SplitChunk>> captured = chunks;
                JavaRDD<ImageRow> rows = jsc.parallelize(ids, ids.size())
                        .flatMap(k -> captured.get(k).value().imageRows());
                Dataset<Row> df = spark.createDataset(rows.rdd(), encoder).select(
                        col("imageIdx").as(TableSchema.IMAGE_IDX), col("features").as(TableSchema.FEATURES),
                        col("captionRows").as(TableSchema.CAPTION_ROWS), col("captions").as(TableSchema.CAPTIONS),
                        col("url").as(TableSchema.URL));
                SparkJobs.run(() -> {
                    df.write().mode(SaveMode.Append).parquet(dir.uri());
                    return null;
                });
            } finally {
                for (Broadcast<SplitChunk> b : chunks) {
                    b.destroy();
                }
                destroyed.addAll(chunks);
            }
        }
    }
}
