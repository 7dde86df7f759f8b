package captioner.data;

import captioner.BadInputException;
import captioner.model.Vocabulary;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.col;

/**
 * The Parquet caption table: a cs231n dataset stored as one row per image, so that Spark can read it in parallel
 * from any Hadoop file system and features are stored once per image, never once per caption.
 *
 * <pre>
 * TABLE/table.json     metadata ({@link TableMetadata}); written last: a folder with it is a complete table
 * TABLE/vocab.json     the vocabulary, cs231n format ({@link VocabularyJson})
 * TABLE/train/         Parquet dataset, one row per training image:
 *     image_idx     int          the image's row in the split (0 .. images-1, each once)
 *     features      array&lt;float&gt; feature_dim values
 *     caption_rows  array&lt;int&gt;   the image's captions' rows in the split's caption order (0 .. captions-1, each
 *                                once over the split), ascending
 *     captions      array&lt;int&gt;   those captions flattened, caption_rows.length × caption_length word indices
 *     url           string       the image's url, null when the source had none
 * TABLE/val/           the same for the validation split, when the source has one
 * </pre>
 *
 * Row order in the Parquet files carries no meaning: the caption order is recovered exactly from
 * {@code caption_rows}, the image order from {@code image_idx}. Every image is stored, also one without captions.
 *
 * <p>Writing never leaves a partial table where a complete one was: everything goes to a hidden sibling folder
 * {@code .NAME.tmp-UUID} on the same file system, which is renamed to TABLE at the end. An existing TABLE is refused
 * unless {@code overwrite}; then the old table is renamed aside ({@code .NAME.old-UUID}), the new one renamed in,
 * and the old one deleted. Only a caption table (or an empty folder) is ever replaced. A crash between the two
 * renames leaves no TABLE but the complete old table under {@code .NAME.old-UUID}.
 *
 * <p>Memory while writing: one split of the source at a time as loaded by {@link Cs231nReader} (COCO train: 170 MB
 * of PCA features, 1.4 GB of fc7) plus, per wave of {@code defaultParallelism} chunks of about 64 MB, a compact
 * copy and its serialized broadcast pieces. Each chunk becomes one Parquet file.
 */
public final class CaptionTable {
    public static final String METADATA_FILE = "table.json";
    public static final String VOCAB_FILE = "vocab.json";

    public static final String IMAGE_IDX = "image_idx";
    public static final String FEATURES = "features";
    public static final String CAPTION_ROWS = "caption_rows";
    public static final String CAPTIONS = "captions";
    public static final String URL = "url";

    /** The columns and types every split has (array elements are never null). */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField(IMAGE_IDX, DataTypes.IntegerType, false),
        DataTypes.createStructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField(CAPTION_ROWS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(CAPTIONS, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField(URL, DataTypes.StringType, true),
    });

    /** Bytes of features and captions per written chunk (one Parquet file each). */
    static final long CHUNK_BYTES = 64L << 20;

    /**
     * Test hook: called with "written:SPLIT" after each split's Parquet files, "metadata" after table.json and
     * "commit" just before the rename; a test makes it throw to simulate a failure at that point.
     */
    static volatile Consumer<String> testHook;

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

    /** A table whose metadata and vocabulary were read and checked. */
    record Opened(HadoopLocation location, TableMetadata metadata, Vocabulary vocab) {
        String shownSplit(String split) {
            return location.shown(split);
        }
    }

    private CaptionTable() {
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Reads the cs231n directory {@code dataDir} one split at a time and writes it as a table to {@code out}.
     *
     * @param maxTrain keep this many training captions ({@link TrainingSubset}); null keeps all
     * @throws BadInputException for bad input files, {@code maxTrain < 1}, or an existing {@code out} without
     *         {@code overwrite} (checked before anything is read)
     */
    public static Summary prepare(SparkSession spark, String dataDir, String out, FeatureKind kind, Integer maxTrain,
                                  long seed, boolean overwrite) {
        if (maxTrain != null && maxTrain < 1) {
            throw new BadInputException("--max-train is " + maxTrain + "; expected at least 1 training caption");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        HadoopLocation target = HadoopLocation.of(out, conf);
        checkTarget(target, overwrite);
        List<String> splits = Cs231nReader.splitsPresent(dataDir, conf);
        // Train is read first for the vocabulary; every other split is read when its turn comes. Nothing keeps a
        // split once it is written (fc7 train alone is 1.4 GB).
        FirstSplit first = readTrain(dataDir, conf, kind, maxTrain, seed);
        Vocabulary vocab = first.vocab();
        String source = first.source();
        CaptionSplit[] train = first.train();
        return writeTable(spark, target, overwrite, vocab, kind, source, maxTrain, seed, splits, split -> {
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
        }, split -> source + "/" + kind.fileName(split));
    }

    /** The train split in a one-element array that the writer empties, so that nothing else holds it. */
    private record FirstSplit(Vocabulary vocab, String source, CaptionSplit[] train) {
    }

    private static FirstSplit readTrain(String dataDir, Configuration conf, FeatureKind kind, Integer maxTrain,
                                        long seed) {
        Cs231nData d = Cs231nReader.read(dataDir, conf, kind, maxTrain, seed, List.of(Cs231nLayout.TRAIN));
        return new FirstSplit(d.vocab(), d.source(), new CaptionSplit[] {d.train()});
    }

    /**
     * Writes data already loaded on the driver (e.g. by {@link Cs231nReader}) as a table. Its maxTrain is
     * recorded as unknown (null), since the captions are taken as they are.
     */
    public static Summary write(SparkSession spark, Cs231nData data, String out, boolean overwrite) {
        HadoopLocation target = HadoopLocation.of(out, spark.sparkContext().hadoopConfiguration());
        checkTarget(target, overwrite);
        return writeTable(spark, target, overwrite, data.vocab(), data.featureKind(), data.source(), null, 0,
                data.splitNames(), data::split, split -> data.source() + " split " + split);
    }

    private interface SplitLoader {
        CaptionSplit load(String split);
    }

    private interface Describer {
        String describe(String split);
    }

    /**
     * Refuses an existing {@code out} unless {@code overwrite}, and refuses to replace anything that is not a
     * caption table or an empty folder. Commands call this before starting Spark or reading any data.
     */
    public static void checkTarget(String out, Configuration conf, boolean overwrite) {
        checkTarget(HadoopLocation.of(out, conf), overwrite);
    }

    private static void checkTarget(HadoopLocation out, boolean overwrite) {
        FileStatus status = out.statusOrNull();
        if (status == null) {
            return;
        }
        if (!overwrite) {
            throw new BadInputException(out.shown() + ": already exists; expected a new path for the table, or "
                    + "--overwrite to replace the table there");
        }
        boolean empty;
        try {
            empty = status.isDirectory() && out.fs().listStatus(out.path()).length == 0;
        } catch (IOException e) {
            throw new BadInputException(out.shown() + ": cannot list it (" + e + ")", e);
        }
        if (!empty && (status.isFile() || !out.hasChild(METADATA_FILE))) {
            throw new BadInputException(out.shown() + ": exists and is not a caption table (no " + METADATA_FILE
                    + "); --overwrite only replaces a caption table or an empty folder: remove it yourself or "
                    + "choose another path");
        }
    }

    private static Summary writeTable(SparkSession spark, HadoopLocation out, boolean overwrite, Vocabulary vocab,
                                      FeatureKind kind, String source, Integer maxTrain, long seed,
                                      List<String> splits, SplitLoader loader, Describer describer) {
        long start = System.nanoTime();
        FileSystem fs = out.fs();
        Path parent = out.path().getParent();
        String name = out.path().getName();
        Path tmp = new Path(parent, "." + name + ".tmp-" + UUID.randomUUID());
        boolean committed = false;
        // Broadcasts are destroyed after each wave but stay referenced until the table is written: otherwise a GC
        // right after destroy() lets Spark's ContextCleaner remove the same blocks again while the asynchronous
        // removal runs, and Spark warns about blocks "which do not exist".
        List<Object> destroyed = new ArrayList<>();
        try {
            if (!fs.mkdirs(tmp)) {
                throw new IOException("cannot create " + tmp);
            }
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
                writeSplit(spark, s, new Path(tmp, split), destroyed);
                infos.put(split, new TableMetadata.SplitInfo(s.numImages(), s.numCaptions(), s.hasUrls()));
                s = null; // let the split go before the next one is read
                hook("written:" + split);
            }
            try (FSDataOutputStream o = fs.create(new Path(tmp, VOCAB_FILE), false)) {
                VocabularyJson.write(vocab, o);
            }
            String version = CaptionTable.class.getPackage().getImplementationVersion();
            TableMetadata meta = new TableMetadata(TableMetadata.FORMAT_VERSION, captionLength, featureDim, kind,
                    vocab.size(), source, maxTrain, seed, infos,
                    "spark-captioner " + (version == null ? "(development build)" : version),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            try (FSDataOutputStream o = fs.create(new Path(tmp, METADATA_FILE), false)) {
                meta.write(o);
            }
            hook("metadata");
            hook("commit");
            commit(out, tmp, overwrite);
            committed = true;
            long bytes = fs.getContentSummary(out.path()).getLength();
            java.lang.ref.Reference.reachabilityFence(destroyed);
            return new Summary(out.shown(), meta, bytes, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(out.shown() + ": cannot write the table (" + e.getMessage() + ")",
                    e);
        } finally {
            if (!committed) {
                deleteQuietly(fs, tmp);
            }
        }
    }

    private static void hook(String step) {
        Consumer<String> h = testHook;
        if (h != null) {
            h.accept(step);
        }
    }

    /** Renames {@code tmp} to {@code out}, swapping out an existing table when {@code overwrite}. */
    private static void commit(HadoopLocation out, Path tmp, boolean overwrite) throws IOException {
        FileSystem fs = out.fs();
        Path target = out.path();
        if (fs.exists(target)) {
            checkTarget(out, overwrite);
            Path aside = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(target, aside)) {
                throw new IOException("cannot move the existing " + target + " aside to " + aside);
            }
            if (!fs.rename(tmp, target)) {
                boolean restored = fs.rename(aside, target);
                throw new IOException("cannot rename " + tmp + " to " + target + (restored
                        ? "; the previous table was put back" : "; the previous table is at " + aside));
            }
            if (!fs.delete(aside, true)) {
                throw new IOException("the new table is in place but the old one could not be deleted: " + aside);
            }
        } else if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: a hidden .tmp folder left behind is never read as a table.
        }
    }

    /** Writes one split in chunks of consecutive images, {@code defaultParallelism} chunks per Spark job. */
    private static void writeSplit(SparkSession spark, CaptionSplit split, Path dir, List<Object> destroyed) {
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
                        col("imageIdx").as(IMAGE_IDX), col("features").as(FEATURES),
                        col("captionRows").as(CAPTION_ROWS), col("captions").as(CAPTIONS), col("url").as(URL));
                collect(() -> {
                    df.write().mode(SaveMode.Append).parquet(dir.toString());
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

    // ------------------------------------------------------------------------------------------------ reading

    /** Whether {@code uri} is a folder holding a caption table's metadata file. */
    public static boolean isTable(String uri, Configuration conf) {
        HadoopLocation loc = HadoopLocation.of(uri, conf);
        FileStatus status = loc.statusOrNull();
        return status != null && status.isDirectory() && loc.hasChild(METADATA_FILE);
    }

    /** Reads and checks the metadata of the table at {@code uri}. */
    public static TableMetadata metadata(String uri, Configuration conf) {
        return open(HadoopLocation.of(uri, conf)).metadata();
    }

    /** Opens a table: reads its metadata and vocabulary and checks that they agree. */
    static Opened open(HadoopLocation loc) {
        FileStatus status = loc.statusOrNull();
        if (status == null) {
            throw new BadInputException(loc.shown() + ": no such table; expected a folder written by 'captioner "
                    + "prepare'");
        }
        if (!loc.hasChild(METADATA_FILE)) {
            throw new BadInputException(loc.shown() + ": not a caption table (no " + METADATA_FILE
                    + "); expected a folder written by 'captioner prepare'");
        }
        TableMetadata meta;
        try (InputStream in = loc.fs().open(loc.child(METADATA_FILE))) {
            meta = TableMetadata.read(in, loc.shown(METADATA_FILE));
        } catch (IOException e) {
            throw new BadInputException(loc.shown(METADATA_FILE) + ": cannot read (" + e + ")", e);
        }
        Vocabulary vocab;
        if (!loc.hasChild(VOCAB_FILE)) {
            throw new BadInputException(loc.shown(VOCAB_FILE) + ": no such file; expected the table's vocabulary "
                    + "beside " + METADATA_FILE);
        }
        try (InputStream in = loc.fs().open(loc.child(VOCAB_FILE))) {
            vocab = VocabularyJson.read(in, loc.shown(VOCAB_FILE));
        } catch (IOException e) {
            throw new BadInputException(loc.shown(VOCAB_FILE) + ": cannot read (" + e + ")", e);
        }
        if (vocab.size() != meta.vocabSize()) {
            throw new BadInputException(loc.shown(VOCAB_FILE) + ": has " + vocab.size() + " words but "
                    + loc.shown(METADATA_FILE) + " says vocab_size " + meta.vocabSize()
                    + "; expected the vocabulary the table was written with");
        }
        for (String split : meta.splits().keySet()) {
            if (!loc.hasChild(split)) {
                throw new BadInputException(loc.shown(split) + ": no such folder, but " + loc.shown(METADATA_FILE)
                        + " lists split '" + split + "'; expected a complete table");
            }
        }
        return new Opened(loc, meta, vocab);
    }

    /**
     * One split's rows as {@link ImageRow}s, checked row by row on the executors: image index and caption rows
     * in range, caption rows ascending, captions of the right length holding valid word indices, features of the
     * table's width. Arrays are copied out of Spark's rows as primitive arrays (no boxing). Only the columns
     * asked for are read.
     */
    static JavaRDD<ImageRow> imageRows(SparkSession spark, Opened table, String split, boolean withFeatures,
                                       boolean withCaptions, boolean withUrls) {
        TableMetadata meta = table.metadata();
        TableMetadata.SplitInfo info = meta.splits().get(split);
        String where = table.shownSplit(split);
        Dataset<Row> df = checkedScan(spark, table, split);
        List<String> columns = new ArrayList<>(List.of(IMAGE_IDX, CAPTION_ROWS));
        if (withFeatures) {
            columns.add(FEATURES);
        }
        if (withCaptions) {
            columns.add(CAPTIONS);
        }
        if (withUrls) {
            columns.add(URL);
        }
        Dataset<Row> selected = df.select(columns.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
        RowDecoder decoder = new RowDecoder(where, info.images(), info.captions(), meta.captionLength(),
                meta.featureDim(), meta.vocabSize(), withFeatures ? 2 : -1,
                withCaptions ? (withFeatures ? 3 : 2) : -1, withUrls ? columns.size() - 1 : -1);
        return selected.queryExecution().toRdd().toJavaRDD().map(decoder::decode);
    }

    private static Dataset<Row> checkedScan(SparkSession spark, Opened table, String split) {
        String where = table.shownSplit(split);
        Dataset<Row> df;
        try {
            df = spark.read().parquet(table.location().child(split).toString());
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": cannot read as Parquet (" + e.getMessage()
                    + "); expected the split written by 'captioner prepare'", e);
        }
        StructType schema = df.schema();
        for (StructField expected : SCHEMA.fields()) {
            StructField actual = Arrays.stream(schema.fields()).filter(f -> f.name().equals(expected.name()))
                    .findFirst().orElse(null);
            if (actual == null) {
                throw new BadInputException(where + ": column '" + expected.name() + "' is missing; expected "
                        + describe(SCHEMA));
            }
            if (!sameType(actual.dataType(), expected.dataType())) {
                throw new BadInputException(where + ": column '" + expected.name() + "' has type "
                        + actual.dataType().simpleString() + "; expected " + expected.dataType().simpleString());
            }
        }
        return df;
    }

    private static boolean sameType(DataType a, DataType b) {
        if (a instanceof ArrayType x && b instanceof ArrayType y) {
            return x.elementType().equals(y.elementType());
        }
        return a.equals(b);
    }

    private static String describe(StructType schema) {
        StringBuilder s = new StringBuilder("columns ");
        for (StructField f : schema.fields()) {
            s.append(f.name()).append(' ').append(f.dataType().simpleString()).append(", ");
        }
        return s.substring(0, s.length() - 2);
    }

    /** Turns a Spark row into an {@link ImageRow}, checking it; runs on the executors. */
    static final class RowDecoder implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String where;
        private final int images;
        private final long captions;
        private final int captionLength;
        private final int featureDim;
        private final int vocabSize;
        private final int featuresAt;
        private final int captionsAt;
        private final int urlAt;

        RowDecoder(String where, int images, long captions, int captionLength, int featureDim, int vocabSize,
                   int featuresAt, int captionsAt, int urlAt) {
            this.where = where;
            this.images = images;
            this.captions = captions;
            this.captionLength = captionLength;
            this.featureDim = featureDim;
            this.vocabSize = vocabSize;
            this.featuresAt = featuresAt;
            this.captionsAt = captionsAt;
            this.urlAt = urlAt;
        }

        ImageRow decode(InternalRow r) {
            int idx = r.getInt(0);
            if (idx < 0 || idx >= images) {
                throw new BadInputException(where + ": image_idx " + idx + " is outside [0, " + images
                        + "); expected the image counts of " + METADATA_FILE);
            }
            if (r.isNullAt(1)) {
                throw new BadInputException(where + ": image_idx " + idx + " has null caption_rows; expected an "
                        + "array (empty for an image without captions)");
            }
            int[] rows = r.getArray(1).toIntArray();
            for (int k = 0; k < rows.length; k++) {
                if (rows[k] < 0 || rows[k] >= captions || (k > 0 && rows[k] <= rows[k - 1])) {
                    throw new BadInputException(where + ": image_idx " + idx + " has caption_rows " + brief(rows)
                            + "; expected ascending rows in [0, " + captions + ")");
                }
            }
            float[] features = null;
            if (featuresAt >= 0) {
                features = r.isNullAt(featuresAt) ? null : r.getArray(featuresAt).toFloatArray();
                if (features == null || features.length != featureDim) {
                    throw new BadInputException(where + ": image_idx " + idx + " has "
                            + (features == null ? "null features" : features.length + " features")
                            + "; expected " + featureDim + " (feature_dim of " + METADATA_FILE + ")");
                }
            }
            int[] caps = null;
            if (captionsAt >= 0) {
                caps = r.isNullAt(captionsAt) ? null : r.getArray(captionsAt).toIntArray();
                if (caps == null || caps.length != rows.length * captionLength) {
                    throw new BadInputException(where + ": image_idx " + idx + " has "
                            + (caps == null ? "null captions" : caps.length + " caption tokens") + " for "
                            + rows.length + " caption rows; expected " + captionLength + " tokens per caption");
                }
                for (int t = 0; t < caps.length; t++) {
                    if (caps[t] < 0 || caps[t] >= vocabSize) {
                        throw new BadInputException(where + ": image_idx " + idx + ", caption row "
                                + rows[t / captionLength] + " has word index " + caps[t] + "; expected [0, "
                                + vocabSize + ") for the " + vocabSize + " words of " + VOCAB_FILE);
                    }
                }
            }
            String url = urlAt >= 0 && !r.isNullAt(urlAt) ? r.getUTF8String(urlAt).toString() : null;
            return new ImageRow(idx, features, rows, caps, url);
        }

        private static String brief(int[] a) {
            return a.length <= 8 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 8)) + "...";
        }
    }

    /**
     * For each caption row of the split, its image; checks that every image and every caption row occurs exactly
     * once. {@code rows} need only image_idx and caption_rows.
     */
    static int[] imageOfRow(String where, TableMetadata.SplitInfo info, List<ImageRow> rows) {
        if (rows.size() != info.images()) {
            throw new BadInputException(where + ": has " + rows.size() + " image rows but " + METADATA_FILE + " says "
                    + info.images() + "; expected one row per image");
        }
        boolean[] seen = new boolean[info.images()];
        int[] imageOf = new int[Math.toIntExact(info.captions())];
        Arrays.fill(imageOf, -1);
        for (ImageRow r : rows) {
            if (seen[r.getImageIdx()]) {
                throw new BadInputException(where + ": image_idx " + r.getImageIdx() + " occurs twice; expected "
                        + "one row per image");
            }
            seen[r.getImageIdx()] = true;
            for (int row : r.getCaptionRows()) {
                if (imageOf[row] >= 0) {
                    throw new BadInputException(where + ": caption row " + row + " belongs to image_idx "
                            + imageOf[row] + " and to image_idx " + r.getImageIdx() + "; expected each caption once");
                }
                imageOf[row] = r.getImageIdx();
            }
        }
        for (int row = 0; row < imageOf.length; row++) {
            if (imageOf[row] < 0) {
                throw new BadInputException(where + ": caption row " + row + " is missing; " + METADATA_FILE
                        + " says the split has " + info.captions() + " captions");
            }
        }
        return imageOf;
    }

    /**
     * The whole table on the driver, in the form {@link Cs231nReader} gives: caption order restored from
     * caption_rows, features by image_idx. Meant for small tables and checks (COCO with PCA features needs about
     * 0.4 GB here and must fit {@code spark.driver.maxResultSize}, 1 GB by default).
     */
    public static Cs231nData read(SparkSession spark, String uri) {
        Opened table = open(HadoopLocation.of(uri, spark.sparkContext().hadoopConfiguration()));
        TableMetadata meta = table.metadata();
        Map<String, CaptionSplit> splits = new LinkedHashMap<>();
        for (Map.Entry<String, TableMetadata.SplitInfo> e : meta.splits().entrySet()) {
            String split = e.getKey();
            TableMetadata.SplitInfo info = e.getValue();
            List<ImageRow> rows = collect(() -> imageRows(spark, table, split, true, true, info.urls()).collect());
            int[] imageOf = imageOfRow(table.shownSplit(split), info, rows);
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
        return new Cs231nData(table.location().shown(), meta.featureKind(), table.vocab(), splits);
    }

    /**
     * Runs a Spark action, rethrowing a {@link BadInputException} raised on an executor as itself rather than
     * wrapped in Spark's job failure, so that the command line reports it as bad input.
     */
    static <T> T collect(Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Spark's job failures are the checked SparkException, thrown from Scala without a declaration.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadInputException bad) {
                    throw new BadInputException(bad.getMessage(), e);
                }
            }
            throw CaptionTable.<RuntimeException>rethrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }
}
