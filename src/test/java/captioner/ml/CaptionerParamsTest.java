package captioner.ml;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.data.raw.VocabularyBuilder;
import captioner.eval.Decoder;
import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.model.ModelConfig;
import captioner.model.Vocabulary;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import captioner.train.TrainConfig;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark ML's Params conventions for the three stages: defaults, validation, copy, and save/load round trips. */
class CaptionerParamsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void session() {
        TestSpark.session();
    }

    /** Every param's value (set or default) by name. */
    private static Map<String, Object> values(Params p) {
        Map<String, Object> m = new TreeMap<>();
        for (ParamPair<?> pair : scala.jdk.javaapi.CollectionConverters.asJava(p.extractParamMap().toSeq())) {
            m.put(pair.param().name(), pair.value());
        }
        return m;
    }

    @Test
    void captionerDefaultsAreTrainsDefaults() {
        Captioner c = new Captioner();
        assertEquals(TrainConfig.DEFAULT_CELL.label(), c.getCell());
        assertEquals(TrainConfig.DEFAULT_HIDDEN, c.getHiddenDim());
        assertEquals(TrainConfig.DEFAULT_WORDVEC, c.getWordVecDim());
        assertEquals(TrainConfig.DEFAULT_UPDATE_RULE.toString(), c.getUpdateRule());
        assertEquals(TrainConfig.DEFAULT_LEARNING_RATE, c.getLearningRate());
        assertEquals(TrainConfig.DEFAULT_BATCH_SIZE, c.getBatchSize());
        assertEquals(TrainConfig.DEFAULT_SEED, c.getSeed());
        assertEquals(TrainConfig.DEFAULT_DTYPE.label(), c.getPrecision());
        assertEquals(TrainConfig.DEFAULT_CHECKPOINT_EVERY, c.getCheckpointInterval());
        assertEquals(VocabularyBuilder.DEFAULT_MAX_WORDS, c.getMaxWords());
        assertEquals("features", c.getFeaturesCol());
        assertEquals("caption", c.getCaptionCol());
        for (Param<?> p : c.params()) {
            assertTrue(c.hasDefault(p), p.name() + " has a default");
            assertFalse(c.isSet(p), p.name() + " is not set");
            assertFalse(p.doc().isEmpty(), p.name() + " has a doc");
        }
        assertTrue(c.explainParams().contains("precision: the arithmetic of training: float32 or float64"),
                c.explainParams());
    }

    @Test
    void precisionTakesWhatDtypeTakesAndParamValidatorsRefuseTheRest() {
        Captioner c = new Captioner();
        assertEquals("float64", c.setPrecision("FLOAT64").getPrecision());
        assertEquals("float32", c.setPrecision("float32").getPrecision());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setPrecision("bf16"));
        assertTrue(e.getMessage().contains("precision given invalid value bf16"), e.getMessage());
        // A ParamMap is validated the same way, before any fit.
        assertThrows(IllegalArgumentException.class, () -> ParamMap.empty().put(c.precision(), "float16"));
        assertThrows(IllegalArgumentException.class, () -> c.setCheckpointInterval(0));
        assertEquals("float32", c.getPrecision(), "a refused value leaves the param as it was");
    }

    @Test
    void copyCarriesSetValuesAndTheExtraOnesWithoutChangingTheOriginal() {
        Captioner c = new Captioner().setHiddenDim(8).setCaptionCol("captions");
        Captioner copy = c.copy(ParamMap.empty().put(c.wordVecDim().w(6)));
        assertNotSame(c, copy);
        assertEquals(c.uid(), copy.uid());
        assertEquals(8, copy.getHiddenDim());
        assertEquals("captions", copy.getCaptionCol());
        assertEquals(6, copy.getWordVecDim());
        assertEquals(TrainConfig.DEFAULT_WORDVEC, c.getWordVecDim());

        CaptionerModel m = model().setBeamSize(3);
        CaptionerModel mc = m.copy(ParamMap.empty().put(m.maxLength().w(5)));
        assertEquals(m.uid(), mc.uid());
        assertEquals(3, mc.getBeamSize());
        assertEquals(5, mc.getMaxLength());
        assertSame(m.checkpoint(), mc.checkpoint(), "the parameters are shared, not copied");
        assertEquals(Decoder.DEFAULT_MAX_LENGTH, m.getMaxLength());
    }

    @Test
    void everyStageSavesAndLoadsWithItsUidAndParams() throws java.io.IOException {
        Captioner c = new Captioner().setHiddenDim(8).setPrecision("float64").setImageIdCol("image_id")
                .setCheckpointDir("hdfs://nn:8020/fit").setMaxIter(7);
        c.save(tmp.resolve("captioner").toString());
        Captioner c2 = Captioner.load(tmp.resolve("captioner").toString());
        assertEquals(c.uid(), c2.uid());
        assertEquals(values(c), values(c2));
        assertEquals("float64", c2.getPrecision());

        CaptionerModel m = model().setBeamSize(2).setOutputCol("out").setImageIdCol("id");
        m.save(tmp.resolve("model").toString());
        CaptionerModel m2 = CaptionerModel.load(tmp.resolve("model").toString());
        assertEquals(m.uid(), m2.uid());
        assertEquals(values(m), values(m2));
        assertEquals(m.vocabulary().words(), m2.vocabulary().words());
        assertArrayEquals(m.checkpoint().params().floatStorage(), m2.checkpoint().params().floatStorage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptionerModel.load(tmp.resolve("captioner").toString()));
        assertTrue(e.getMessage().contains("Expected class name captioner.ml.CaptionerModel"), e.getMessage());

        CaptionEvaluator ev = new CaptionEvaluator().setMetricName("cider_d").setReferencesCol("refs");
        ev.save(tmp.resolve("evaluator").toString());
        CaptionEvaluator ev2 = CaptionEvaluator.load(tmp.resolve("evaluator").toString());
        assertEquals(ev.uid(), ev2.uid());
        assertEquals(values(ev), values(ev2));
        assertEquals(values(ev), values(ev.copy(ParamMap.empty())));
    }

    @Test
    void transformSchemaNamesTheBadColumnBeforeAnyJob() {
        StructType schema = new StructType().add("image_id", DataTypes.LongType)
                .add("caption", DataTypes.IntegerType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        BadInputException e = assertThrows(BadInputException.class, () -> new Captioner().transformSchema(schema));
        assertEquals("captionCol: column 'caption' has type int; expected string or array<string>", e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> new Captioner().setCaptionCol("image_id").setFeaturesCol("caption").transformSchema(schema));
        assertTrue(e.getMessage().startsWith("featuresCol"), e.getMessage());
        StructType tokens = new StructType().add("captions", DataTypes.createArrayType(DataTypes.StringType))
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
        assertEquals(tokens, new Captioner().setCaptionCol("captions").transformSchema(tokens));

        StructType out = model().transformSchema(schema);
        assertEquals(List.of("image_id", "caption", "features", "generated_caption", "generated_log_prob"),
                List.of(out.fieldNames()));
        e = assertThrows(BadInputException.class, () -> model().setOutputCol("caption").transformSchema(schema));
        assertEquals("output column 'caption' already exists; expected a new column name", e.getMessage());
    }

    /** A small LSTM over three words, not trained. */
    private static CaptionerModel model() {
        Vocabulary v = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog", "runs"), "test");
        ModelConfig config = ModelConfig.of(CellType.LSTM, v, 3, 4, 5);
        Tensor params = CaptioningModel.initialParams(config, DType.FLOAT32, 3);
        Checkpoint c = new Checkpoint(config, v, params, "adam", Map.of(), 0, 0, 1e-3, new double[0], 3, "{}");
        return new CaptionerModel("captionerModel_test", c);
    }
}
