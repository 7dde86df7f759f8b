package captioner.ml;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.train.RunLayout;
import captioner.train.Trainer;
import captioner.train.TrainingFailedException;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Captioner.fit} as Spark ML's tuning uses it (a param grid in {@code TrainValidationSplit}), over token
 * arrays as well as caption strings, and resumed from {@code checkpointDir} after a failure.
 */
class CaptionerFitTest {
    @TempDir
    Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = TestSpark.session();
    }

    private static final String[][] CAPTIONS = {{"a dog runs", "the dog is running"}, {"a cat sits", "a cat on a mat"},
        {"a red bus", "the bus is red"}, {"two dogs play", "dogs playing"}, {"a man rides a horse", "a horse"},
        {"a bird flies", "the bird in the sky"}, {"a dog on a mat", "the dog sits"}, {"a red car", "the car is red"}};

    /** One row per image: its id, three features and all its captions as {@code array<string>}. */
    private static Dataset<Row> images() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < CAPTIONS.length; i++) {
            rows.add(RowFactory.create((long) i, List.of(Math.sin(i), Math.cos(i), i / 8.0), List.of(CAPTIONS[i])));
        }
        StructType schema = new StructType().add("image_id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("captions", DataTypes.createArrayType(DataTypes.StringType));
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private static Captioner small() {
        return new Captioner().setHiddenDim(8).setWordVecDim(4).setBatchSize(4).setMaxIter(6).setNumPartitions(2)
                .setLearningRate(0.05);
    }

    private static float[] params(CaptionerModel m) {
        return m.checkpoint().params().floatStorage();
    }

    @Test
    void tokenArraysPerImageTrainTheModelOfOneRowPerCaption() {
        Dataset<Row> images = images();
        CaptionerModel arrays = small().setCaptionCol("captions").setImageIdCol("image_id").fit(images);
        Dataset<Row> rows = images.select(col("image_id"), col("features"), explode(col("captions")).as("caption"));
        assertEquals(16, rows.count());
        CaptionerModel strings = small().setCaptionCol("caption").setImageIdCol("image_id").fit(rows);
        assertEquals(arrays.vocabulary().words(), strings.vocabulary().words());
        assertArrayEquals(params(arrays), params(strings));
        // Without imageIdCol each row is an image: the per-image rows give the same model again.
        assertArrayEquals(params(arrays), params(small().setCaptionCol("captions").fit(images)));
    }

    @Test
    void trainValidationSplitChoosesOverAParamGridWithTheEvaluator() {
        Dataset<Row> images = images();
        Captioner captioner = small().setCaptionCol("captions");
        CaptionEvaluator evaluator = new CaptionEvaluator().setMetricName("coco_bleu_1").setReferencesCol("captions");
        ParamMap[] grid = new ParamGridBuilder().addGrid(captioner.hiddenDim(), new int[] {4, 8})
                .addGrid(captioner.learningRate(), new double[] {0.05}).build();
        TrainValidationSplit tvs = new TrainValidationSplit().setEstimator(captioner).setEvaluator(evaluator)
                .setEstimatorParamMaps(grid).setTrainRatio(0.75).setSeed(5);
        TrainValidationSplitModel chosen = tvs.fit(images);

        // Each grid point's figure is the evaluator's on the model fitted to the same training rows.
        Dataset<Row>[] split = images.randomSplit(new double[] {0.75, 0.25}, 5);
        double[] metrics = chosen.validationMetrics();
        assertEquals(2, metrics.length);
        int best = 0;
        for (int i = 0; i < grid.length; i++) {
            CaptionerModel m = captioner.copy(grid[i]).fit(split[0]);
            assertEquals(evaluator.evaluate(m.transform(split[1])), metrics[i], 0.0, grid[i].toString());
            best = metrics[i] > metrics[best] ? i : best;
        }
        // The best point is refitted on all rows.
        CaptionerModel refit = (CaptionerModel) chosen.bestModel();
        assertEquals(grid[best].get(captioner.hiddenDim()).get(),
                ((captioner.model.ModelConfig) refit.checkpoint().model()).hiddenDim());
        assertEquals(CAPTIONS.length, refit.transform(images).count());
    }

    @Test
    void aFitThatFailedResumesFromCheckpointDirBitwiseAsIfUninterrupted() throws Exception {
        Dataset<Row> images = images();
        CaptionerModel whole = small().setCaptionCol("captions").setCheckpointInterval(2)
                .setCheckpointDir(tmp.resolve("whole").toString()).fit(images);

        String dir = tmp.resolve("failed").toString();
        spark.conf().set(Trainer.FAIL_TASK_ONCE, "5:1"); // local[2] retries no task: iteration 5 fails the run
        try {
            assertThrows(TrainingFailedException.class,
                    () -> small().setCaptionCol("captions").setCheckpointInterval(2).setCheckpointDir(dir).fit(images));
        } finally {
            spark.conf().unset(Trainer.FAIL_TASK_ONCE);
        }
        Path checkpoints = Path.of(dir, Captioner.RUN, RunLayout.CHECKPOINTS);
        assertTrue(Files.exists(checkpoints.resolve(RunLayout.checkpointName(4))));
        assertFalse(Files.exists(Path.of(dir, Captioner.RUN, RunLayout.MODEL)));

        // Another rows' fit may not take the directory over; nor may other settings.
        Dataset<Row> fewer = images.limit(7);
        BadInputException e = assertThrows(BadInputException.class,
                () -> small().setCaptionCol("captions").setCheckpointDir(dir).fit(fewer));
        assertTrue(e.getMessage().startsWith("checkpointDir " + dir + " holds the fit of other rows (a DataFrame "
                + "(sha256:"), e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> small().setCaptionCol("captions").setHiddenDim(6).setCheckpointDir(dir).fit(images));
        assertTrue(e.getMessage().contains("hidden (8 there, 6 now)"), e.getMessage());

        // A new Captioner with the same params picks the run up at its newest checkpoint.
        CaptionerModel resumed = small().setCaptionCol("captions").setCheckpointInterval(2).setCheckpointDir(dir)
                .fit(images);
        assertArrayEquals(params(whole), params(resumed));
    }
}
