package captioner.ml;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.cli.Main;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML API in a Pipeline: assembled features → Captioner → save → load → transform → evaluator. */
class CaptionerPipelineTest {
    @TempDir
    Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = TestSpark.session();
    }

    /** Six images, two captions each, three numeric feature columns. */
    private static Dataset<Row> rows() {
        String[][] captions = {{"a dog runs", "the dog is running"}, {"a cat sits", "a cat on a mat"},
            {"a red bus", "the bus is red"}, {"two dogs play", "dogs playing"}, {"a man rides a horse", "horse"},
            {"a bird flies", "the bird in the sky"}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < captions.length; i++) {
            for (String c : captions[i]) {
                rows.add(RowFactory.create((long) i, c, Math.sin(i), Math.cos(i), i / 6.0));
            }
        }
        StructType schema = new StructType().add("image_id", DataTypes.LongType).add("caption", DataTypes.StringType)
                .add("f0", DataTypes.DoubleType).add("f1", DataTypes.DoubleType).add("f2", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private Captioner captioner(String dir) {
        return new Captioner().setImageIdCol("image_id").setCaptionCol("caption").setFeaturesCol("features")
                .setHiddenDim(8).setWordVecDim(4).setBatchSize(4).setMaxIter(4).setNumPartitions(2)
                .setCheckpointDir(dir);
    }

    @Test
    void pipelineFitsSavesLoadsTransformsAndEvaluates() throws Exception {
        Dataset<Row> df = rows();
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2"})
                .setOutputCol("features");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, captioner(tmp.resolve("fit")
                .toString())});
        PipelineModel fitted = pipeline.fit(df);
        Path saved = tmp.resolve("pipeline");
        fitted.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());

        Dataset<Row> before = fitted.transform(df);
        Dataset<Row> after = loaded.transform(df).withColumn("references", array(col("caption")));
        List<String> columns = List.of(after.columns());
        assertTrue(columns.containsAll(List.of("image_id", "caption", "f0", "features", "generated_caption",
                "generated_log_prob")), columns.toString());
        assertEquals(before.select("generated_caption", "generated_log_prob").collectAsList(),
                after.select("generated_caption", "generated_log_prob").collectAsList());
        for (Row r : after.collectAsList()) {
            assertTrue(r.<Double>getAs("generated_log_prob") < 0, r.toString());
        }
        CaptionEvaluator evaluator = new CaptionEvaluator().setMetricName("coco_bleu_1");
        double bleu = evaluator.evaluate(after);
        assertTrue(bleu >= 0 && bleu <= 1, "BLEU-1 " + bleu);
        assertTrue(evaluator.isLargerBetter());
        Path evaluatorPath = tmp.resolve("evaluator");
        evaluator.write().save(evaluatorPath.toString());
        assertEquals("coco_bleu_1", CaptionEvaluator.load(evaluatorPath.toString()).getMetricName());

        // The model's params survive the round trip, and a model.h5 wraps directly.
        CaptionerModel model = (CaptionerModel) loaded.stages()[1];
        assertEquals("image_id", model.getImageIdCol());
        CaptionerModel direct = CaptionerModel.fromCheckpoint(tmp.resolve("fit/run/model.h5").toString());
        assertArrayEquals(model.checkpoint().params().floatStorage(), direct.checkpoint().params().floatStorage());
        BadInputException e = assertThrows(BadInputException.class, () -> direct.transform(df));
        assertEquals("featuresCol: no column 'features'; the columns are [image_id, caption, f0, f1, f2]",
                e.getMessage());
    }

    @Test
    void fitTrainsBitwiseTheModelTheCommandLineTrains() {
        Dataset<Row> df = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2"}).setOutputCol("vec")
                .transform(rows());
        CaptionerModel fitted = captioner(tmp.resolve("fit").toString()).setFeaturesCol("vec").fit(df);

        // The same rows as files: one table serves as captions and as features (each image's first row wins).
        Path table = tmp.resolve("rows.parquet");
        df.select(col("image_id"), col("caption"), col("vec").as("features")).write().parquet(table.toString());
        Path prepared = tmp.resolve("table");
        assertEquals(0, Main.run("prepare", "--train-captions", table.toString(), "--train-features", table.toString(),
                "--out", prepared.toString()));
        Path run = tmp.resolve("run");
        assertEquals(0, Main.run("train", "--data", prepared.toString(), "--out", run.toString(), "--hidden", "8",
                "--wordvec", "4", "--batch-size", "4", "--iterations", "4", "--partitions", "2"));
        Checkpoint cli = Checkpoint.read(run.resolve("model.h5"), "cli", DType.FLOAT32);
        assertEquals(cli.vocab().words(), fitted.vocabulary().words());
        assertArrayEquals(cli.params().floatStorage(), fitted.checkpoint().params().floatStorage());
    }
}
