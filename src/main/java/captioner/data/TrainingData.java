package captioner.data;

import captioner.BadInputException;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nLayout;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.synthetic.DefaultDataset;
import captioner.data.table.OpenedTable;
import captioner.data.table.TableMetadata;
import captioner.data.table.TableReader;
import captioner.data.table.TableSchema;
import captioner.io.Location;
import captioner.model.Vocabulary;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code train}, {@code sample} and {@code evaluate} open: a caption table ({@link captioner.data.table.TableReader}, recognised by
 * its {@code table.json}) or a cs231n COCO directory (read on the driver by {@link Cs231nReader}), or, for a null
 * URI, the embedded default dataset ({@link DefaultDataset}). Both inputs give the same vocabulary, counts,
 * captions and bitwise the same shards.
 *
 * <p>{@link #shards} cuts a split into exactly the asked number of partitions of one {@link CaptionShard} each,
 * by contiguous image ranges that balance captions (see {@link ShardLayout}); the result is cached
 * (MEMORY_AND_DISK), materialised before it is returned, and memoised per (split, partitions).
 * <ul>
 *   <li>From a table, Spark reads the split's Parquet files (only the needed columns; arrays are copied out of
 *       Spark's rows as primitive arrays), drops captions outside maxTrain, range-partitions the images by
 *       image_idx, sorts them within each partition and builds the shard; nothing of the split passes through the
 *       driver except, once per split, the image of every caption row (4 bytes per caption), which fixes the
 *       partition bounds and checks that the table is complete.</li>
 *   <li>From a cs231n directory, the driver holds the data (as {@link Cs231nReader} loaded it), builds the
 *       shards and hands each to Spark as a broadcast; in local mode the cached shards are those very objects.
 *       Memory: the split plus its shards plus their serialized broadcast pieces, about three times the
 *       features. Prefer a table for large data or a cluster.</li>
 * </ul>
 *
 * <p>{@code maxTrain} keeps a seeded subset of the training captions chosen by {@link TrainingSubset} over the
 * split's caption rows, so a cs231n directory and the table prepared from it (without maxTrain) keep the same
 * captions. Images keep their indices; an image whose captions were all dropped is in no shard.
 *
 * <p>Not thread-safe. {@link #close} unpersists the shards and destroys the broadcasts; the SparkSession is the
 * caller's.
 */
public final class TrainingData implements AutoCloseable {
    private final SparkSession spark;
    private final String source;
    private final boolean table;
    private final FeatureKind featureKind;
    private final Vocabulary vocab;
    private final int featureDim;
    private final int captionLength;
    private final Map<String, SplitData> splits;
    private final Map<String, JavaRDD<CaptionShard>> shardCache = new LinkedHashMap<>();
    private final List<Broadcast<CaptionShard>> broadcasts = new ArrayList<>();

    private TrainingData(SparkSession spark, String source, boolean table, FeatureKind featureKind, Vocabulary vocab,
                         int featureDim, int captionLength, Map<String, SplitData> splits) {
        this.spark = spark;
        this.source = source;
        this.table = table;
        this.featureKind = featureKind;
        this.vocab = vocab;
        this.featureDim = featureDim;
        this.captionLength = captionLength;
        this.splits = splits;
    }

    /**
     * @param dataUri  a caption table or a cs231n directory (local path or any Hadoop URI); null for the embedded
     *                 default dataset
     * @param kind     the features to use; null means the table's kind, or PCA for a cs231n directory. A table of
     *                 another kind is an error.
     * @param maxTrain keep this many training captions (seeded by {@code seed}); null keeps all
     * @throws BadInputException when the input is missing, is neither a table nor a cs231n directory, or is bad
     */
    public static TrainingData open(SparkSession spark, String dataUri, FeatureKind kind, Integer maxTrain,
                                    long seed) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (dataUri == null) {
            if (kind == FeatureKind.FC7) {
                throw new BadInputException("--features fc7: the embedded default dataset has only pca features; "
                        + "expected --features pca or --data with fc7 files");
            }
            String dir = DefaultDataset.ensure().toString();
            return fromDirectory(spark, Cs231nReader.read(dir, conf, FeatureKind.PCA, maxTrain, seed),
                    "embedded default dataset (" + dir + ")");
        }
        Location loc = Location.of(dataUri, conf);
        FileStatus status = loc.statusOrNull();
        if (status == null) {
            throw new BadInputException(dataUri + ": no such table or directory; expected a caption table written by "
                    + "'captioner prepare' or a cs231n COCO directory");
        }
        if (!status.isDirectory()) {
            throw new BadInputException(dataUri + ": is a file; expected a caption table written by 'captioner "
                    + "prepare' or a cs231n COCO directory");
        }
        if (loc.child(TableSchema.METADATA_FILE).exists()) {
            return fromTable(spark, TableReader.open(loc), kind, maxTrain, seed);
        }
        if (loc.child(Cs231nLayout.CAPTIONS_FILE).exists()) {
            return fromDirectory(spark, Cs231nReader.read(dataUri, conf, kind == null ? FeatureKind.PCA : kind,
                    maxTrain, seed), dataUri);
        }
        throw new BadInputException(dataUri + ": neither a caption table (no " + TableSchema.METADATA_FILE
                + ") nor a cs231n COCO directory (no " + Cs231nLayout.CAPTIONS_FILE + "); expected one of them");
    }

    private static TrainingData fromDirectory(SparkSession spark, Cs231nData data, String source) {
        Map<String, SplitData> splits = new LinkedHashMap<>();
        int featureDim = -1;
        int captionLength = -1;
        for (String name : data.splitNames()) {
            CaptionSplit s = data.split(name);
            splits.put(name, new DirectorySplit(spark, s));
            featureDim = s.featureDim();
            captionLength = s.captionLength();
        }
        return new TrainingData(spark, source, false, data.featureKind(), data.vocab(), featureDim, captionLength,
                splits);
    }

    private static TrainingData fromTable(SparkSession spark, OpenedTable t, FeatureKind kind,
                                          Integer maxTrain, long seed) {
        TableMetadata meta = t.metadata();
        if (kind != null && kind != meta.featureKind()) {
            throw new BadInputException(t.location().toString() + ": the table holds " + meta.featureKind()
                    + " features; expected " + kind + " as asked (--features), or prepare a table with --features "
                    + kind);
        }
        Map<String, SplitData> splits = new LinkedHashMap<>();
        for (Map.Entry<String, TableMetadata.SplitInfo> e : meta.splits().entrySet()) {
            boolean subset = maxTrain != null && e.getKey().equals(Cs231nLayout.TRAIN);
            splits.put(e.getKey(), new TableSplit(spark, t, e.getKey(), subset ? maxTrain : null, seed));
        }
        return new TrainingData(spark, t.location().toString(), true, meta.featureKind(), t.vocab(), meta.featureDim(),
                meta.captionLength(), splits);
    }

    // ------------------------------------------------------------------------------------------------ queries

    public Vocabulary vocab() {
        return vocab;
    }

    public int featureDim() {
        return featureDim;
    }

    /** Tokens per caption (17 for COCO). */
    public int captionLength() {
        return captionLength;
    }

    public FeatureKind featureKind() {
        return featureKind;
    }

    /** The table or directory as given, or "embedded default dataset (PATH)". */
    public String source() {
        return source;
    }

    /** The splits present, train before val. */
    public List<String> splitNames() {
        return List.copyOf(splits.keySet());
    }

    public boolean hasSplit(String split) {
        return splits.containsKey(split);
    }

    /** Captions of the split, after maxTrain. */
    public long numCaptions(String split) {
        return split(split).numCaptions();
    }

    /** Images of the split, including any without captions. */
    public int numImages(String split) {
        return split(split).numImages();
    }

    /**
     * The split's reference captions and urls, grouped by image, held on the driver. Built on first use and
     * kept: for a table that is one Spark job reading the captions and url columns (COCO train: about 30 MB of
     * captions plus the urls); for a directory, a regrouping of the arrays already loaded.
     */
    public ImageCaptions references(String split) {
        return split(split).references();
    }

    // ------------------------------------------------------------------------------------------------ shards

    /**
     * The split as exactly {@code partitions} partitions of one {@link CaptionShard} each: cached, materialised,
     * and bitwise the same for the same input and partition count. Concatenating the shards in partition order gives
     * the split's captions grouped by image range, in caption order within each (the split's own order when its
     * captions are listed image by image).
     */
    public JavaRDD<CaptionShard> shards(String split, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        String key = split + "/" + partitions;
        JavaRDD<CaptionShard> cached = shardCache.get(key);
        if (cached != null) {
            return cached;
        }
        SplitData data = split(split);
        int[] bounds = ShardLayout.bounds(data.imageOfCaption(), data.numImages(), partitions);
        JavaRDD<CaptionShard> rdd = data.shards(bounds, captionLength, featureDim, broadcasts)
                .setName(split + " shards of " + source + " (" + partitions + " partitions)")
                .persist(StorageLevel.MEMORY_AND_DISK());
        long count = SparkJobs.run(rdd::count);
        if (count != partitions || rdd.getNumPartitions() != partitions) {
            throw new IllegalStateException("built " + count + " shards in " + rdd.getNumPartitions()
                    + " partitions, expected " + partitions);
        }
        shardCache.put(key, rdd);
        return rdd;
    }

    /** Unpersists every shard RDD and destroys the broadcasts made for a directory's shards. */
    @Override
    public void close() {
        for (JavaRDD<CaptionShard> rdd : shardCache.values()) {
            rdd.unpersist(false);
        }
        shardCache.clear();
        for (Broadcast<CaptionShard> b : broadcasts) {
            b.destroy();
        }
        broadcasts.clear();
    }

    private SplitData split(String split) {
        SplitData s = splits.get(split);
        if (s == null) {
            throw new BadInputException(source + ": has no '" + split + "' split; it has " + splits.keySet());
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(source).append(" (").append(table ? "table" : "cs231n directory")
                .append(", ").append(featureKind).append(" features × ").append(featureDim).append(", vocabulary ")
                .append(vocab.size()).append(')');
        for (String name : splits.keySet()) {
            s.append(", ").append(name).append(' ').append(numImages(name)).append(" images / ")
                    .append(numCaptions(name)).append(" captions");
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------------ inputs

    private abstract static class SplitData {
        abstract long numCaptions();

        abstract int numImages();

        /** The image of each caption (after maxTrain), in caption order. */
        abstract int[] imageOfCaption();

        abstract ImageCaptions references();

        abstract JavaRDD<CaptionShard> shards(int[] bounds, int captionLength, int featureDim,
                                              List<Broadcast<CaptionShard>> broadcasts);
    }

    /** A split of a cs231n directory, held on the driver. */
    private static final class DirectorySplit extends SplitData {
        private final CaptionSplit split;
        private ImageCaptions references;
        private final SparkSession spark;

        DirectorySplit(SparkSession spark, CaptionSplit split) {
            this.spark = spark;
            this.split = split;
        }

        @Override
        long numCaptions() {
            return split.numCaptions();
        }

        @Override
        int numImages() {
            return split.numImages();
        }

        @Override
        int[] imageOfCaption() {
            return split.imageIdxs();
        }

        @Override
        ImageCaptions references() {
            if (references == null) {
                references = ImageCaptions.of(split);
            }
            return references;
        }

        @Override
        JavaRDD<CaptionShard> shards(int[] bounds, int captionLength, int featureDim,
                                     List<Broadcast<CaptionShard>> broadcasts) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Broadcast<CaptionShard>> parts = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (CaptionShard s : ShardLayout.fromSplit(split, bounds)) {
                ids.add(parts.size());
                parts.add(jsc.broadcast(s));
            }
            broadcasts.addAll(parts);
            return jsc.parallelize(ids, ids.size()).map(i -> parts.get(i).value());
        }
    }

    /** A split of a caption table, read by Spark. */
    private static final class TableSplit extends SplitData {
        private final SparkSession spark;
        private final OpenedTable table;
        private final String name;
        private final TableMetadata.SplitInfo info;
        /** Kept caption rows, ascending; null keeps all. */
        private final int[] kept;
        private int[] imageOfCaption;
        private ImageCaptions references;

        TableSplit(SparkSession spark, OpenedTable table, String name, Integer maxTrain, long seed) {
            this.spark = spark;
            this.table = table;
            this.name = name;
            this.info = table.metadata().splits().get(name);
            int n = Math.toIntExact(info.captions());
            this.kept = maxTrain == null || maxTrain >= n ? null : TrainingSubset.rows(n, maxTrain, seed);
        }

        @Override
        long numCaptions() {
            return kept == null ? info.captions() : kept.length;
        }

        @Override
        int numImages() {
            return info.images();
        }

        @Override
        int[] imageOfCaption() {
            if (imageOfCaption == null) {
                List<ImageRow> rows = SparkJobs.run(
                        () -> TableReader.imageRows(spark, table, name, false, false, false).collect());
                int[] all = TableReader.imageOfRow(table.split(name).toString(), info, rows);
                if (kept == null) {
                    imageOfCaption = all;
                } else {
                    imageOfCaption = new int[kept.length];
                    for (int k = 0; k < kept.length; k++) {
                        imageOfCaption[k] = all[kept[k]];
                    }
                }
            }
            return imageOfCaption;
        }

        @Override
        ImageCaptions references() {
            if (references == null) {
                long[] keep = keepBits();
                int l = table.metadata().captionLength();
                List<ImageRow> rows = SparkJobs.run(() -> TableReader
                        .imageRows(spark, table, name, false, true, info.urls())
                        .map(r -> keep == null ? r : restrict(r, keep, l)).collect());
                references = ImageCaptions.of(rows, info.images(), l, info.urls());
            }
            return references;
        }

        @Override
        JavaRDD<CaptionShard> shards(int[] bounds, int captionLength, int featureDim,
                                     List<Broadcast<CaptionShard>> broadcasts) {
            long[] keep = keepBits();
            int l = captionLength;
            int d = featureDim;
            JavaPairRDD<Integer, ImageRow> images = TableReader.imageRows(spark, table, name, true, true, false)
                    .flatMapToPair(r -> {
                        ImageRow kept = keep == null ? r : restrict(r, keep, l);
                        return kept.getCaptionRows().length == 0
                                ? Collections.emptyIterator()
                                : Collections.singletonList(new Tuple2<>(kept.getImageIdx(), kept)).iterator();
                    });
            return images.repartitionAndSortWithinPartitions(new ShardLayout.ImageRangePartitioner(bounds))
                    .mapPartitions(it -> Collections.singletonList(
                            ShardLayout.fromSortedImages(values(it), l, d)).iterator(), true);
        }

        private long[] keepBits() {
            if (kept == null) {
                return null;
            }
            long[] bits = new long[(int) ((info.captions() + 63) / 64)];
            for (int r : kept) {
                bits[r >>> 6] |= 1L << r;
            }
            return bits;
        }
    }

    /** The row with only the captions whose rows are set in {@code keep}. */
    private static ImageRow restrict(ImageRow r, long[] keep, int captionLength) {
        int[] rows = r.getCaptionRows();
        int n = 0;
        for (int row : rows) {
            if ((keep[row >>> 6] & (1L << row)) != 0) {
                n++;
            }
        }
        if (n == rows.length) {
            return r;
        }
        int[] keptRows = new int[n];
        int[] keptCaptions = new int[n * captionLength];
        int k = 0;
        for (int i = 0; i < rows.length; i++) {
            if ((keep[rows[i] >>> 6] & (1L << rows[i])) != 0) {
                keptRows[k] = rows[i];
                if (r.getCaptions() != null) {
                    System.arraycopy(r.getCaptions(), i * captionLength, keptCaptions, k * captionLength,
                            captionLength);
                }
                k++;
            }
        }
        return new ImageRow(r.getImageIdx(), r.getFeatures(), keptRows, keptCaptions, r.getUrl());
    }

    private static Iterator<ImageRow> values(Iterator<Tuple2<Integer, ImageRow>> pairs) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pairs.hasNext();
            }

            @Override
            public ImageRow next() {
                return pairs.next()._2();
            }
        };
    }
}
