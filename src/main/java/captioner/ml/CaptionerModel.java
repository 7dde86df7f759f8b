package captioner.ml;

import captioner.BadInputException;
import captioner.data.raw.FeatureColumn;
import captioner.eval.BeamSearch;
import captioner.eval.Caption;
import captioner.eval.Decoder;
import captioner.eval.Greedy;
import captioner.eval.ImageCaptioning;
import captioner.eval.SampleLines;
import captioner.eval.TemperatureSampling;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.model.CaptionGenerator;
import captioner.model.Checkpoint;
import captioner.model.CaptionSpec;
import captioner.model.Vocabulary;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReadable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A trained captioning model as a Spark ML {@code Model}: {@link #transform} adds {@code outputCol} (the caption,
 * decoded as {@code sample} does) and {@code logProbCol} to every row, keeping the user's columns. Decoding is
 * greedy unless {@code beamSize} &gt; 1 or {@code temperature} &gt; 0; temperature sampling is seeded per row by
 * {@code imageIdCol} when set, else by the features. A row whose features are null, of another width, or not finite
 * fails the job with a message naming the row.
 *
 * <p>Saved as Spark ML saves a model — {@code PATH/metadata} (class, uid, params, as {@code DefaultParamsWriter}
 * writes them) — plus {@code PATH/data/model.h5}, our checkpoint; {@link #load} reads both from any Hadoop URI, and
 * {@link #fromCheckpoint} wraps any {@code model.h5} written by {@code train}.
 */
public final class CaptionerModel extends Model<CaptionerModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String MODEL_FILE = "data/model.h5";

    private final String uid;
    private final transient Checkpoint checkpoint;

    private final Param<String> featuresCol;
    private final Param<String> imageIdCol;
    private final Param<String> outputCol;
    private final Param<String> logProbCol;
    private final IntParam beamSize;
    private final DoubleParam temperature;
    private final LongParam seed;
    private final IntParam maxLength;

    public CaptionerModel(String uid, Checkpoint checkpoint) {
        this.uid = uid;
        this.checkpoint = checkpoint;
        featuresCol = new Param<>(this, "featuresCol", "image features: array<float>, array<double> or an ML vector");
        imageIdCol = new Param<>(this, "imageIdCol", "image id column seeding temperature sampling (empty: none)");
        outputCol = new Param<>(this, "outputCol", "the generated caption (string)");
        logProbCol = new Param<>(this, "logProbCol", "the generated caption's log-probability (double)");
        beamSize = new IntParam(this, "beamSize", "beam search keeping this many captions (1: greedy)");
        temperature = new DoubleParam(this, "temperature", "sample from softmax(scores / T) when > 0 (0: no sampling)");
        seed = new LongParam(this, "seed", "seed of temperature sampling");
        maxLength = new IntParam(this, "maxLength", "most words per caption, <END> included");
        setDefault(featuresCol, "features");
        setDefault(imageIdCol, "");
        setDefault(outputCol, "generated_caption");
        setDefault(logProbCol, "generated_log_prob");
        setDefault(beamSize, 1);
        setDefault(temperature, 0.0);
        setDefault(seed, 1L);
        setDefault(maxLength, Decoder.DEFAULT_MAX_LENGTH);
    }

    /** Wraps a {@code model.h5} or checkpoint written by {@code train} (a local path or any Hadoop URI). */
    public static CaptionerModel fromCheckpoint(String pathOrUri) {
        SparkSession spark = SparkSession.active();
        Location loc = Location.of(pathOrUri, spark.sparkContext().hadoopConfiguration());
        loc.requireFile("read");
        Checkpoint c = LocalCopy.read(loc, p -> Checkpoint.read(p, loc.toString(), DType.FLOAT32));
        return new CaptionerModel(Identifiable.randomUID("captionerModel"), c);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public Vocabulary vocabulary() {
        return checkpoint.vocab();
    }

    // ---------------------------------------------------------------------------------------------- params

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> imageIdCol() {
        return imageIdCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> logProbCol() {
        return logProbCol;
    }

    public IntParam beamSize() {
        return beamSize;
    }

    public DoubleParam temperature() {
        return temperature;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam maxLength() {
        return maxLength;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    public String getImageIdCol() {
        return $(imageIdCol);
    }

    public String getOutputCol() {
        return $(outputCol);
    }

    public String getLogProbCol() {
        return $(logProbCol);
    }

    public int getBeamSize() {
        return (Integer) $(beamSize);
    }

    public double getTemperature() {
        return (Double) $(temperature);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public int getMaxLength() {
        return (Integer) $(maxLength);
    }

    public CaptionerModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public CaptionerModel setImageIdCol(String v) {
        set(imageIdCol, v);
        return this;
    }

    public CaptionerModel setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    public CaptionerModel setLogProbCol(String v) {
        set(logProbCol, v);
        return this;
    }

    public CaptionerModel setBeamSize(int v) {
        set(beamSize, v);
        return this;
    }

    public CaptionerModel setTemperature(double v) {
        set(temperature, v);
        return this;
    }

    public CaptionerModel setSeed(long v) {
        set(seed, v);
        return this;
    }

    public CaptionerModel setMaxLength(int v) {
        set(maxLength, v);
        return this;
    }

    /** The decoder the params choose: beam search, temperature sampling, else greedy (as {@code sample}). */
    Decoder decoder() {
        if (getBeamSize() < 1 || getTemperature() < 0 || getMaxLength() < 1) {
            throw new BadInputException(uid + ": beamSize " + getBeamSize() + ", temperature " + getTemperature()
                    + ", maxLength " + getMaxLength() + "; expected beamSize >= 1, temperature >= 0, maxLength >= 1");
        }
        if (getBeamSize() > 1 && getTemperature() > 0) {
            throw new BadInputException(uid + ": beamSize and temperature choose different decoders; set one");
        }
        if (getBeamSize() > 1) {
            return new BeamSearch(getBeamSize(), 0, getMaxLength());
        }
        if (getTemperature() > 0) {
            return new TemperatureSampling(getTemperature(), getSeed(), getMaxLength());
        }
        return new Greedy(getMaxLength());
    }

    // ---------------------------------------------------------------------------------------------- transform

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, getFeaturesCol(), "featuresCol");
        if (!getImageIdCol().isEmpty()) {
            FeatureColumn.columnIndex(schema, getImageIdCol(), "imageIdCol");
        }
        for (String out : List.of(getOutputCol(), getLogProbCol())) {
            if (Arrays.asList(schema.fieldNames()).contains(out)) {
                throw new BadInputException("output column '" + out + "' already exists; expected a new column name");
            }
        }
        return schema.add(getOutputCol(), DataTypes.StringType, false)
                .add(getLogProbCol(), DataTypes.DoubleType, false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        FeatureColumn features = FeatureColumn.of(df.schema(), getFeaturesCol(), "featuresCol");
        int idIndex = getImageIdCol().isEmpty() ? -1
                : FeatureColumn.columnIndex(df.schema(), getImageIdCol(), "imageIdCol");
        SparkSession spark = df.sparkSession();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Tensor params = checkpoint.params();
        Broadcast<float[]> shipped = jsc.broadcast(params.floatStorage());
        if (!(checkpoint.model() instanceof CaptionSpec model)) {
            throw new BadInputException("CaptionerModel " + uid() + " holds a " + checkpoint.model().cell().label()
                    + ", which does not generate captions; transform takes rnn, lstm and transformer models");
        }
        Partition task = new Partition(shipped, model, checkpoint.vocab(), decoder(), features, idIndex);
        return df.mapPartitions(task::call, Encoders.row(out));
    }

    /** Captions one partition's rows in batches, appending the caption and its log-probability. */
    private static final class Partition implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> params;
        private final CaptionSpec config;
        private final Vocabulary vocab;
        private final Decoder decoder;
        private final FeatureColumn features;
        private final int idIndex;

        Partition(Broadcast<float[]> params, CaptionSpec config, Vocabulary vocab, Decoder decoder,
                  FeatureColumn features, int idIndex) {
            this.params = params;
            this.config = config;
            this.vocab = vocab;
            this.decoder = decoder;
            this.features = features;
            this.idIndex = idIndex;
        }

        Iterator<Row> call(Iterator<Row> in) {
            float[] p = params.value();
            CaptionGenerator<?> model = config.newModel(Tensor.wrap(p, p.length));
            List<Row> out = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            List<float[]> batch = new ArrayList<>();
            while (in.hasNext()) {
                Row r = in.next();
                float[] f = features.floats(r);
                String problem = FeatureColumn.problem(f, config.inputDim());
                if (problem != null) {
                    throw new BadInputException("column '" + features.name() + "'"
                            + (idIndex < 0 ? "" : " of image " + r.get(idIndex)) + ": " + problem);
                }
                rows.add(r);
                batch.add(f);
                if (batch.size() == ImageCaptioning.BATCH) {
                    decode(model, rows, batch, out);
                }
            }
            if (!batch.isEmpty()) {
                decode(model, rows, batch, out);
            }
            return out.iterator();
        }

        private void decode(CaptionGenerator<?> model, List<Row> rows, List<float[]> batch, List<Row> out) {
            int[] keys = new int[rows.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = idIndex >= 0 ? ImageCaptioning.seedKey(rows.get(i).get(idIndex))
                        : Arrays.hashCode(batch.get(i));
            }
            Caption[] captions = ImageCaptioning.decodeBatch(model, decoder, DType.FLOAT32, batch, keys);
            for (int i = 0; i < keys.length; i++) {
                Row r = rows.get(i);
                Object[] values = new Object[r.size() + 2];
                for (int k = 0; k < r.size(); k++) {
                    values[k] = r.get(k);
                }
                values[r.size()] = SampleLines.generated(captions[i], vocab);
                values[r.size() + 1] = captions[i].logProb();
                out.add(RowFactory.create(values));
            }
            rows.clear();
            batch.clear();
        }
    }

    @Override
    public CaptionerModel copy(ParamMap extra) {
        CaptionerModel copy = new CaptionerModel(uid, checkpoint);
        return copyValues(copy, extra).setParent(parent());
    }

    // ---------------------------------------------------------------------------------------------- persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<CaptionerModel> read() {
        return new Reader();
    }

    public static CaptionerModel load(String path) {
        return read().load(path);
    }

    /** Spark ML's metadata, then the checkpoint under {@value #MODEL_FILE}. */
    private static final class Writer extends MLWriter {
        private final CaptionerModel model;

        Writer(CaptionerModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            Location file = Location.of(path, sc().hadoopConfiguration()).child("data").child("model.h5");
            captioner.io.AtomicWrites.write(file, model.checkpoint::write);
        }
    }

    private static final class Reader extends MLReader<CaptionerModel> {
        @Override
        public CaptionerModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    CaptionerModel.class.getName());
            Location file = Location.of(path, sc().hadoopConfiguration()).child("data").child("model.h5");
            file.requireFile("read");
            Checkpoint c = LocalCopy.read(file, p -> Checkpoint.read(p, file.toString(), DType.FLOAT32));
            CaptionerModel model = new CaptionerModel(metadata.uid(), c);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
