package captioner.train;

import captioner.data.FeatureKind;
import captioner.model.CellType;
import captioner.optim.UpdateRuleType;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLayoutTest {
    /** What the code before RunLayout wrote (Jackson's record serialization), byte for byte: model.h5 holds it too. */
    private static final String OLD_JSON = "{\"data\":null,\"features\":\"fc7\",\"cell\":\"LSTM\",\"hidden\":16,"
            + "\"wordvec\":8,\"updateRule\":\"sgd_momentum\",\"learningRate\":0.005,\"lrDecay\":0.95,\"batchSize\":20,"
            + "\"epochs\":null,\"iterations\":12,\"fullBatch\":false,\"maxTrain\":100,\"partitions\":3,"
            + "\"master\":\"local[4]\",\"seed\":231,\"dtype\":\"FLOAT32\",\"clipNorm\":1.5,\"out\":\"runs/x\","
            + "\"checkpointEvery\":5,\"keepCheckpoints\":2,\"resume\":true,\"init\":\"init.h5\",\"printEvery\":5,"
            + "\"treeDepth\":2}";

    /** What run.json holds since the transformer's settings: the old keys, then those. */
    private static final String NEW_JSON = OLD_JSON.substring(0, OLD_JSON.length() - 1) + ",\"heads\":null,"
            + "\"layers\":2,\"ffn\":2048,\"activation\":\"GELU\",\"dropout\":0.1,\"maxLength\":50}";

    /** What run.json holds since the classifier's key and value widths: the transformer's keys, then those. */
    private static final String CLASSIFIER_JSON = NEW_JSON.substring(0, NEW_JSON.length() - 1)
            + ",\"dimK\":96,\"dimV\":96}";

    private static TrainConfig config() {
        return TrainConfig.builder().features(FeatureKind.FC7).cell(CellType.LSTM).hidden(16).wordvec(8)
                .updateRule(UpdateRuleType.SGD_MOMENTUM).batchSize(20).iterations(12).maxTrain(100).partitions(3)
                .master("local[4]").clipNorm(1.5).out("runs/x").checkpointEvery(5).keepCheckpoints(2).resume(true)
                .init("init.h5").printEvery(5).build();
    }

    @Test
    void runJsonIsWrittenAsBeforeAndOldFilesReadBack() throws Exception {
        assertEquals(CLASSIFIER_JSON, RunLayout.JSON.writeValueAsString(config()));
        // A run.json from before the transformer's or the classifier's settings reads back with their defaults.
        assertEquals(config(), RunLayout.JSON.readValue(OLD_JSON, TrainConfig.class));
        assertEquals(config(), RunLayout.JSON.readValue(NEW_JSON, TrainConfig.class));
        assertEquals(config(), RunLayout.JSON.readValue(CLASSIFIER_JSON, TrainConfig.class));
    }

    @Test
    void runKeysAreEverySettingInOrder() throws Exception {
        List<String> declared = new ArrayList<>();
        for (Field f : RunLayout.Run.class.getFields()) {
            if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())) {
                declared.add((String) f.get(null));
            }
        }
        List<String> written = new ArrayList<>();
        Iterator<String> names = RunLayout.JSON.readTree(CLASSIFIER_JSON).fieldNames();
        names.forEachRemaining(written::add);
        assertEquals(written, declared, "RunLayout.Run lists run.json's keys, in order");
        assertEquals(TrainConfig.class.getRecordComponents().length, declared.size());
        for (String free : RunLayout.Run.FREE) {
            assertTrue(declared.contains(free), free);
        }
    }

    @Test
    void metricKeysAreWhatTheLogWrites() throws Exception {
        IterationMetrics m = new IterationMetrics(3, 1, 2.5, 0.005, 0.7, 20, 400, 50, 1, 2, 40, 3, 1, 3);
        JsonNode line = RunLayout.JSON.readTree(RunLayout.JSON.writeValueAsString(m.record()));
        List<String> declared = new ArrayList<>();
        for (Field f : RunLayout.Metric.class.getFields()) {
            declared.add((String) f.get(null));
        }
        List<String> written = new ArrayList<>();
        line.fieldNames().forEachRemaining(written::add);
        assertEquals(declared, written);
        assertEquals(3, line.get(RunLayout.Metric.ITERATION).asLong());
        assertEquals(400.0, line.get(RunLayout.Metric.CAPTIONS_PER_S).asDouble());
        assertFalse(line.has("captions"), "the minibatch size is not a metrics.jsonl key");
    }

    @Test
    void checkpointNamesSortByIteration() {
        assertEquals("ckpt-000000100.h5", RunLayout.checkpointName(100));
        assertTrue(RunLayout.isCheckpoint(RunLayout.checkpointName(7)));
        assertFalse(RunLayout.isCheckpoint("ckpt-7.h5"));
        assertTrue(RunLayout.checkpointName(99).compareTo(RunLayout.checkpointName(100)) < 0);
    }

    @Test
    void recordComponentsKeepTheirJsonNamesWhenRenamed() {
        // Every component is pinned with @JsonProperty to a RunLayout.Run key, so a rename cannot change run.json.
        for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
            var p = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            assertTrue(p != null && !p.value().isEmpty(), c.getName() + " has no pinned run.json key");
        }
    }
}
