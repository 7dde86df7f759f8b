package captioner.ml;

import captioner.BadInputException;
import captioner.data.TrainingData;
import captioner.data.raw.FeatureColumn;
import captioner.data.raw.FeatureTable;
import captioner.data.raw.RawCaptions;
import captioner.data.raw.RawPrepare;
import captioner.data.raw.VocabularyBuilder;
import captioner.data.table.TableReader;
import captioner.data.table.TableSchema;
import captioner.data.table.TableWriter;
import captioner.io.Location;
import captioner.model.CellType;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import captioner.train.RunLayout;
import captioner.train.RunLock;
import captioner.train.TrainConfig;
import captioner.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a captioning model from a DataFrame, as {@code prepare} followed by {@code train} would: {@code fit}
 * collects the captions and features on the driver, joins them as {@code prepare --train-captions} does (the same
 * tokenizer, vocabulary and caption layout), writes the caption table to {@code checkpointDir/table} and runs the
 * distributed trainer on it with {@code checkpointDir/run} as its run directory, resuming from its newest checkpoint
 * when there is one. The same rows and settings give bitwise the model the command line trains.
 *
 * <p>{@code captionCol} holds one caption per row (a string) or all of an image's ({@code array<string>});
 * {@code imageIdCol} groups the rows of one image (its features are stored once, from its first row); without it
 * every row is its own image.
 */
public final class Captioner extends Estimator<CaptionerModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String TABLE = "table";
    static final String RUN = "run";
    /** The precisions {@code train --dtype} takes, as {@link DType#label} spells them. */
    static final String[] PRECISIONS = Arrays.stream(DType.values()).map(DType::label).toArray(String[]::new);

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> captionCol;
    private final Param<String> imageIdCol;
    private final Param<String> cell;
    private final IntParam hiddenDim;
    private final IntParam wordVecDim;
    private final Param<String> updateRule;
    private final DoubleParam learningRate;
    private final DoubleParam lrDecay;
    private final IntParam batchSize;
    private final IntParam maxEpochs;
    private final IntParam maxIter;
    private final LongParam seed;
    private final Param<String> precision;
    private final DoubleParam clipNorm;
    private final IntParam numPartitions;
    private final Param<String> checkpointDir;
    private final IntParam checkpointInterval;
    private final IntParam maxWords;
    private final IntParam minWordCount;

    public Captioner() {
        this(Identifiable.randomUID("captioner"));
    }

    public Captioner(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "array<float>, array<double> or vector");
        captionCol = new Param<>(this, "captionCol", "string or array<string> captions");
        imageIdCol = new Param<>(this, "imageIdCol", "groups rows of one image (empty: none)");
        cell = new Param<>(this, "cell", "rnn or lstm");
        hiddenDim = new IntParam(this, "hiddenDim", "hidden size H");
        wordVecDim = new IntParam(this, "wordVecDim", "word vector size W");
        updateRule = new Param<>(this, "updateRule", "sgd, sgd_momentum, rmsprop or adam");
        learningRate = new DoubleParam(this, "learningRate", "initial learning rate");
        lrDecay = new DoubleParam(this, "lrDecay", "learning-rate factor per epoch");
        batchSize = new IntParam(this, "batchSize", "captions per minibatch");
        maxEpochs = new IntParam(this, "maxEpochs", "epochs (when maxIter is 0)");
        maxIter = new IntParam(this, "maxIter", "iterations; 0: maxEpochs decides");
        seed = new LongParam(this, "seed", "seed of initialisation and minibatches");
        precision = new Param<>(this, "precision", "the arithmetic of training: " + String.join(" or ", PRECISIONS),
                ParamValidators.inArray(PRECISIONS));
        clipNorm = new DoubleParam(this, "clipNorm", "gradient norm clip; 0: none");
        numPartitions = new IntParam(this, "numPartitions", "partitions; 0: default parallelism");
        checkpointDir = new Param<>(this, "checkpointDir", "where the table and the run directory go (any Hadoop "
                + "URI); a second fit of the same rows resumes there. Empty: a temporary local folder, deleted after "
                + "the fit (local mode)");
        checkpointInterval = new IntParam(this, "checkpointInterval", "iterations between checkpoints in checkpointDir",
                ParamValidators.gtEq(1));
        maxWords = new IntParam(this, "maxWords", "vocabulary words besides the 4 special tokens");
        minWordCount = new IntParam(this, "minWordCount", "least count of a vocabulary word");
        setDefault(featuresCol, "features");
        setDefault(captionCol, "caption");
        setDefault(imageIdCol, "");
        setDefault(cell, TrainConfig.DEFAULT_CELL.label());
        setDefault(hiddenDim, TrainConfig.DEFAULT_HIDDEN);
        setDefault(wordVecDim, TrainConfig.DEFAULT_WORDVEC);
        setDefault(updateRule, TrainConfig.DEFAULT_UPDATE_RULE.toString());
        setDefault(learningRate, TrainConfig.DEFAULT_LEARNING_RATE);
        setDefault(lrDecay, TrainConfig.DEFAULT_LR_DECAY);
        setDefault(batchSize, TrainConfig.DEFAULT_BATCH_SIZE);
        setDefault(maxEpochs, TrainConfig.DEFAULT_EPOCHS);
        setDefault(maxIter, 0);
        setDefault(seed, TrainConfig.DEFAULT_SEED);
        setDefault(precision, TrainConfig.DEFAULT_DTYPE.label());
        setDefault(clipNorm, 0.0);
        setDefault(numPartitions, 0);
        setDefault(checkpointDir, "");
        setDefault(checkpointInterval, TrainConfig.DEFAULT_CHECKPOINT_EVERY);
        setDefault(maxWords, VocabularyBuilder.DEFAULT_MAX_WORDS);
        setDefault(minWordCount, VocabularyBuilder.DEFAULT_MIN_WORD_COUNT);
    }

    public static Captioner load(String path) {
        return new DefaultParamsReader<Captioner>().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    // @formatter:off
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> captionCol() { return captionCol; }
    public Param<String> imageIdCol() { return imageIdCol; }
    public Param<String> cell() { return cell; }
    public IntParam hiddenDim() { return hiddenDim; }
    public IntParam wordVecDim() { return wordVecDim; }
    public Param<String> updateRule() { return updateRule; }
    public DoubleParam learningRate() { return learningRate; }
    public DoubleParam lrDecay() { return lrDecay; }
    public IntParam batchSize() { return batchSize; }
    public IntParam maxEpochs() { return maxEpochs; }
    public IntParam maxIter() { return maxIter; }
    public LongParam seed() { return seed; }
    public Param<String> precision() { return precision; }
    public DoubleParam clipNorm() { return clipNorm; }
    public IntParam numPartitions() { return numPartitions; }
    public Param<String> checkpointDir() { return checkpointDir; }
    public IntParam checkpointInterval() { return checkpointInterval; }
    public IntParam maxWords() { return maxWords; }
    public IntParam minWordCount() { return minWordCount; }

    public String getFeaturesCol() { return $(featuresCol); }
    public String getCaptionCol() { return $(captionCol); }
    public String getImageIdCol() { return $(imageIdCol); }
    public String getCell() { return $(cell); }
    public int getHiddenDim() { return (Integer) $(hiddenDim); }
    public int getWordVecDim() { return (Integer) $(wordVecDim); }
    public String getUpdateRule() { return $(updateRule); }
    public double getLearningRate() { return (Double) $(learningRate); }
    public double getLrDecay() { return (Double) $(lrDecay); }
    public int getBatchSize() { return (Integer) $(batchSize); }
    public int getMaxEpochs() { return (Integer) $(maxEpochs); }
    public int getMaxIter() { return (Integer) $(maxIter); }
    public long getSeed() { return (Long) $(seed); }
    public String getPrecision() { return $(precision); }
    public double getClipNorm() { return (Double) $(clipNorm); }
    public int getNumPartitions() { return (Integer) $(numPartitions); }
    public String getCheckpointDir() { return $(checkpointDir); }
    public int getCheckpointInterval() { return (Integer) $(checkpointInterval); }
    public int getMaxWords() { return (Integer) $(maxWords); }
    public int getMinWordCount() { return (Integer) $(minWordCount); }

    public Captioner setFeaturesCol(String v) { set(featuresCol, v); return this; }
    public Captioner setCaptionCol(String v) { set(captionCol, v); return this; }
    public Captioner setImageIdCol(String v) { set(imageIdCol, v); return this; }
    public Captioner setCell(String v) { set(cell, v); return this; }
    public Captioner setHiddenDim(int v) { set(hiddenDim, v); return this; }
    public Captioner setWordVecDim(int v) { set(wordVecDim, v); return this; }
    public Captioner setUpdateRule(String v) { set(updateRule, v); return this; }
    public Captioner setLearningRate(double v) { set(learningRate, v); return this; }
    public Captioner setLrDecay(double v) { set(lrDecay, v); return this; }
    public Captioner setBatchSize(int v) { set(batchSize, v); return this; }
    public Captioner setMaxEpochs(int v) { set(maxEpochs, v); return this; }
    public Captioner setMaxIter(int v) { set(maxIter, v); return this; }
    public Captioner setSeed(long v) { set(seed, v); return this; }
    /** float32 or float64, in any case (as {@code train --dtype} takes it). */
    public Captioner setPrecision(String v) { set(precision, v == null ? null : v.toLowerCase(Locale.ROOT)); return this; }
    public Captioner setClipNorm(double v) { set(clipNorm, v); return this; }
    public Captioner setNumPartitions(int v) { set(numPartitions, v); return this; }
    public Captioner setCheckpointDir(String v) { set(checkpointDir, v); return this; }
    public Captioner setCheckpointInterval(int v) { set(checkpointInterval, v); return this; }
    public Captioner setMaxWords(int v) { set(maxWords, v); return this; }
    public Captioner setMinWordCount(int v) { set(minWordCount, v); return this; }
    // @formatter:on

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, getFeaturesCol(), "featuresCol");
        DataType c = schema.fields()[FeatureColumn.columnIndex(schema, getCaptionCol(), "captionCol")].dataType();
        boolean strings = c instanceof ArrayType a && a.elementType().equals(DataTypes.StringType);
        if (!c.equals(DataTypes.StringType) && !strings) {
            throw new BadInputException("captionCol: column '" + getCaptionCol() + "' has type " + c.simpleString()
                    + "; expected string or array<string>");
        }
        if (!getImageIdCol().isEmpty()) {
            FeatureColumn.columnIndex(schema, getImageIdCol(), "imageIdCol");
        }
        return schema;
    }

    @Override
    public CaptionerModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        boolean temporary = getCheckpointDir().isEmpty();
        String dir = temporary ? temporaryFolder() : getCheckpointDir();
        try {
            TrainConfig settings = settings(spark, dir);
            Location table = Location.of(dir, conf).child(TABLE);
            RawPrepare.Prepared prepared = collect(dataset.toDF());
            if (table.child(TableSchema.METADATA_FILE).exists()) {
                // Resuming: the run there must go on with the rows it started with.
                String held = TableReader.open(table).metadata().source();
                if (!held.equals(prepared.data().source())) {
                    throw new BadInputException("checkpointDir " + dir + " holds the fit of other rows (" + held
                            + ", these are " + prepared.data().source() + "); expected the same rows and vocabulary "
                            + "settings to resume that fit, or another checkpointDir");
                }
            } else {
                new TableWriter(spark).write(prepared.data(), table.uri(), false, prepared.counts());
            }
            TrainConfig config = settings.toBuilder().data(table.uri()).build();
            Trainer.checkOutput(config, conf, true);
            RunLock lock = RunLock.acquire(config.out(), conf, config.resume(), System.out);
            try (TrainingData data = TrainingData.open(spark, config.data(), null, null, config.seed())) {
                Trainer.Input input = new Trainer.Input(data.vocab(), data.shards("train", config.partitions()),
                        data.featureDim(), data.captionLength());
                new Trainer(spark, config, input, System.out).run();
            } finally {
                lock.close();
            }
            CaptionerModel model = CaptionerModel.fromCheckpoint(config.out() + "/" + RunLayout.MODEL);
            model.setFeaturesCol(getFeaturesCol());
            if (!getImageIdCol().isEmpty()) {
                model.setImageIdCol(getImageIdCol());
            }
            return model.setParent(this);
        } finally {
            if (temporary) {
                // The model is in memory; nothing will resume a fit nobody can name.
                Location.of(dir, conf).deleteQuietly();
            }
        }
    }

    private static String temporaryFolder() {
        try {
            return Files.createTempDirectory("captioner-fit-").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create a temporary folder for the fit: " + e.getMessage(), e);
        }
    }

    /** The trainer's settings from the params; the run directory is {@code dir/run}. */
    TrainConfig settings(SparkSession spark, String dir) {
        int partitions = getNumPartitions() > 0 ? getNumPartitions() : spark.sparkContext().defaultParallelism();
        return TrainConfig.builder().cell(CellType.parse(getCell())).hidden(getHiddenDim()).wordvec(getWordVecDim())
                .updateRule(UpdateRuleType.parse(getUpdateRule())).learningRate(getLearningRate()).lrDecay(getLrDecay())
                .batchSize(getBatchSize()).epochs(getMaxIter() > 0 ? null : getMaxEpochs())
                .iterations(getMaxIter() > 0 ? getMaxIter() : null).seed(getSeed())
                .dtype(DType.parse(getPrecision())).clipNorm(getClipNorm() > 0 ? getClipNorm() : null)
                .partitions(partitions).master(spark.sparkContext().master()).out(dir + "/" + RUN)
                .checkpointEvery(getCheckpointInterval())
                // A second fit in the same checkpointDir resumes the first's run.
                .resume(Location.of(dir + "/" + RUN, spark.sparkContext().hadoopConfiguration())
                        .child(RunLayout.RUN).exists())
                .build();
    }

    /** The rows as captions and features, joined as {@code prepare} joins them. */
    private RawPrepare.Prepared collect(Dataset<Row> df) {
        boolean ids = !getImageIdCol().isEmpty();
        Dataset<Row> three = ids ? df.select(df.col(getImageIdCol()), df.col(getCaptionCol()), df.col(getFeaturesCol()))
                : df.select(df.col(getCaptionCol()), df.col(getCaptionCol()), df.col(getFeaturesCol()));
        FeatureColumn features = FeatureColumn.of(three.schema(), getFeaturesCol(), "featuresCol");
        List<Row> rows = three.collectAsList();
        List<RawCaptions.Annotation> annotations = new ArrayList<>();
        Map<String, float[]> byId = new LinkedHashMap<>();
        int dim = -1;
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            String id = ids ? (row.isNullAt(0) ? null : String.valueOf(row.get(0))) : Integer.toString(r);
            if (id == null) {
                throw new BadInputException("imageIdCol: row " + r + " has a null '" + getImageIdCol() + "'");
            }
            float[] f = features.floats(row);
            dim = dim < 0 && f != null ? f.length : dim;
            String problem = FeatureColumn.problem(f, Math.max(dim, 1));
            if (problem != null) {
                throw new BadInputException("featuresCol: image " + id + ": " + problem);
            }
            byId.putIfAbsent(id, f);
            Object c = row.get(1);
            if (c instanceof String s) {
                annotations.add(new RawCaptions.Annotation(id, s));
            } else if (c != null) {
                for (Object s : row.getList(1)) {
                    annotations.add(new RawCaptions.Annotation(id, s == null ? "" : (String) s));
                }
            }
        }
        return RawPrepare.assemble(new RawCaptions("the DataFrame", annotations, Map.of(), List.of()),
                new FeatureTable("the DataFrame", byId, dim, List.of()), null, getMaxWords(), getMinWordCount(),
                "a DataFrame");
    }

    @Override
    public Captioner copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
