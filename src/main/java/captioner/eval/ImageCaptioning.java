package captioner.eval;

import captioner.data.SparkJobs;
import captioner.data.raw.FeatureColumn;
import captioner.model.CaptionGenerator;
import captioner.model.CaptionSpec;
import captioner.model.Vocabulary;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Captions every row of a table of images (an id and features) on Spark: the model's parameters are broadcast once,
 * each partition is one task that decodes its valid rows in batches of {@value SplitEvaluation#IMAGE_BATCH} with the
 * decoders of {@code sample}, and every invalid row (null id or features, wrong width, NaN or infinite values) comes
 * back with its reason instead of a caption. Greedy and beam captions depend only on the features, so an image that
 * is also in a split gets {@code sample}'s caption; temperature sampling is seeded per row by the id (an integer id
 * as {@code sample} uses an image_idx, any other id by its text's hash).
 *
 * <p>The result has the input's id column, {@value #CAPTION}, {@value #LOG_PROB}, {@value #REASON} (null for a
 * captioned row) and {@value #ROW} (the row's position in the input, for naming rows without an id). It is cached:
 * callers {@link Result#release()} it.
 */
public final class ImageCaptioning {
    public static final String CAPTION = "caption";
    public static final String LOG_PROB = "log_prob";
    public static final String REASON = "reason";
    public static final String ROW = "row";
    /** Images decoded together in one batch, as {@code sample} decodes them. */
    public static final int BATCH = SplitEvaluation.IMAGE_BATCH;

    private ImageCaptioning() {
    }

    /** Captioned and rejected rows, cached. */
    public record Result(Dataset<Row> all, String idCol, Broadcast<Object> params) {
        /** The captioned rows: id, caption, log_prob. */
        public Dataset<Row> captioned() {
            return all.filter(all.col(REASON).isNull()).select(all.col(idCol), all.col(CAPTION), all.col(LOG_PROB));
        }

        /** The rejected rows: id, reason, row; in input order. */
        public Dataset<Row> rejected() {
            return all.filter(all.col(REASON).isNotNull()).orderBy(all.col(ROW))
                    .select(all.col(idCol), all.col(REASON), all.col(ROW));
        }

        /** Drops the cached rows and the broadcast parameters (kept so that a lost cached partition can be redone). */
        public void release() {
            all.unpersist();
            params.destroy();
        }
    }

    /**
     * @param input  any table with {@code idCol} (any type) and {@code featuresCol} ({@link FeatureColumn}'s types)
     * @param params the model's parameters (V, D, W, H as {@code config})
     */
    public static Result run(SparkSession spark, Dataset<Row> input, String idCol, String featuresCol,
                             CaptionSpec config, Tensor params, Vocabulary vocab, Decoder decoder, String where) {
        FeatureColumn.columnIndex(input.schema(), idCol, where);
        Dataset<Row> two = input.select(input.col(idCol), input.col(featuresCol));
        FeatureColumn features = FeatureColumn.of(two.schema(), featuresCol, where);
        StructType schema = new StructType().add(two.schema().fields()[0])
                .add(CAPTION, DataTypes.StringType, true).add(LOG_PROB, DataTypes.DoubleType, true)
                .add(REASON, DataTypes.StringType, true).add(ROW, DataTypes.LongType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Object> shipped = jsc.broadcast(params.dtype() == DType.FLOAT32 ? params.floatStorage()
                : params.doubleStorage());
        boolean done = false;
        try {
            jsc.setJobDescription("caption " + where + " (" + decoder.label() + ")");
            JavaRDD<Row> rows = two.javaRDD().zipWithIndex().mapPartitions(
                    new Task(shipped, config, params.dtype(), vocab, decoder, features));
            Dataset<Row> all = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
            SparkJobs.run(all::count);
            done = true;
            return new Result(all, two.schema().fields()[0].name(), shipped);
        } finally {
            if (!done) {
                shipped.destroy();
            }
        }
    }

    /**
     * Captions one batch of valid feature rows (each {@code model.config().inputDim()} finite floats).
     *
     * @param seedKeys per row, what seeds its temperature sampling ({@link #seedKey})
     */
    public static Caption[] decodeBatch(CaptionGenerator<?> model, Decoder decoder, DType dtype, List<float[]> rows,
                                        int[] seedKeys) {
        int n = rows.size();
        int d = model.config().inputDim();
        Tensor x = Tensor.zeros(dtype, n, d);
        for (int i = 0; i < n; i++) {
            float[] f = rows.get(i);
            for (int k = 0; k < d; k++) {
                x.set(i * d + k, f[k]);
            }
        }
        return decoder.decode(model, x, seedKeys);
    }

    /** An id as the per-image seed of temperature sampling. */
    public static int seedKey(Object id) {
        if (id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return ((Number) id).intValue();
        }
        if (id instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
        }
        return String.valueOf(id).hashCode();
    }

    private static final class Task implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Object> params;
        private final CaptionSpec config;
        private final DType dtype;
        private final Vocabulary vocab;
        private final Decoder decoder;
        private final FeatureColumn features;

        Task(Broadcast<Object> params, CaptionSpec config, DType dtype, Vocabulary vocab, Decoder decoder,
             FeatureColumn features) {
            this.params = params;
            this.config = config;
            this.dtype = dtype;
            this.vocab = vocab;
            this.decoder = decoder;
            this.features = features;
        }

        @Override
        public Iterator<Row> call(Iterator<Tuple2<Row, Long>> in) {
            Object value = params.value();
            Tensor p = value instanceof float[] f ? Tensor.wrap(f, f.length)
                    : Tensor.wrap((double[]) value, ((double[]) value).length);
            CaptionGenerator<?> model = config.newModel(p);
            int d = config.inputDim();
            List<Row> out = new ArrayList<>();
            List<Object> ids = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            List<float[]> batch = new ArrayList<>();
            while (in.hasNext()) {
                Tuple2<Row, Long> t = in.next();
                Object id = t._1().get(0);
                float[] f = features.floats(t._1());
                String problem = id == null ? "the id is null" : FeatureColumn.problem(f, d);
                if (problem != null) {
                    out.add(RowFactory.create(id, null, null, problem, t._2()));
                    continue;
                }
                ids.add(id);
                positions.add(t._2());
                batch.add(f);
                if (batch.size() == BATCH) {
                    decode(model, ids, positions, batch, out);
                }
            }
            if (!batch.isEmpty()) {
                decode(model, ids, positions, batch, out);
            }
            return out.iterator();
        }

        private void decode(CaptionGenerator<?> model, List<Object> ids, List<Long> positions, List<float[]> batch,
                            List<Row> out) {
            int n = batch.size();
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = seedKey(ids.get(i));
            }
            Caption[] captions = decodeBatch(model, decoder, dtype, batch, keys);
            for (int i = 0; i < n; i++) {
                out.add(RowFactory.create(ids.get(i), SampleLines.generated(captions[i], vocab), captions[i].logProb(),
                        null, positions.get(i)));
            }
            ids.clear();
            positions.clear();
            batch.clear();
        }
    }
}
