package captioner.model;

import captioner.nn.Activation;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A warm start across vocabularies: shared words keep their rows by word, new words are fresh, dropped words go. */
class VocabularyWarmStartTest {
    @TempDir
    Path tmp;

    static final Vocabulary OLD = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog", "cat",
            "runs"), "old");
    /** "cat" and "runs" dropped, "horse", "jumps" and "sits" new, "dog" and "a" swapped places. */
    static final Vocabulary NEW = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "dog", "horse", "a",
            "jumps", "sits"), "new");

    private Path oldModel(DType dtype) {
        ModelConfig config = ModelConfig.of(CellType.LSTM, OLD, 5, 4, 3);
        Tensor params = CaptioningModel.initialParams(config, dtype, 11);
        for (int i = 0; i < params.size(); i++) {
            params.set(i, params.get(i) + 0.25 * (i % 7)); // not what a fresh initialisation gives
        }
        Path file = tmp.resolve("old.h5");
        new Checkpoint(config, OLD, params, "adam", Map.of(), 0, 0, 1e-3, new double[0], 11, "{}").write(file);
        return file;
    }

    @Test
    void sharedWordsAreCarriedOverByWordAndNewWordsAreFresh() {
        Path file = oldModel(DType.FLOAT64);
        Checkpoint.Params old = Checkpoint.readParams(file, "old", DType.FLOAT64, OLD);
        VocabularyWarmStart.Result r = VocabularyWarmStart.load(file, "old", DType.FLOAT64, NEW, 5, null);
        assertTrue(r.remapped());
        assertEquals(6, r.shared());
        assertEquals(3, r.added());
        assertEquals(2, r.dropped());
        assertEquals("vocabulary remapped by word: 6 shared, 3 new, 2 dropped", r.describe());

        ModelConfig c = (ModelConfig) r.params().config();
        assertEquals(NEW.size(), c.vocabSize());
        ParamLayout from = old.config().layout();
        ParamLayout to = new ParamLayout(c);
        Tensor fresh = CaptioningModel.initialParams(c, DType.FLOAT64, 5);
        Tensor p = r.params().params();
        for (String name : List.of("W_proj", "b_proj", "Wx", "Wh", "b")) {
            assertArrayEquals(from.view(old.params(), name).toDoubleArray(), to.view(p, name).toDoubleArray(), name);
        }
        double[] embedOld = from.view(old.params(), "W_embed").toDoubleArray();
        double[] embedNew = to.view(p, "W_embed").toDoubleArray();
        double[] embedFresh = to.view(fresh, "W_embed").toDoubleArray();
        double[] vocabOld = from.view(old.params(), "W_vocab").toDoubleArray();
        double[] vocabNew = to.view(p, "W_vocab").toDoubleArray();
        double[] vocabFresh = to.view(fresh, "W_vocab").toDoubleArray();
        double[] biasOld = from.view(old.params(), "b_vocab").toDoubleArray();
        double[] biasNew = to.view(p, "b_vocab").toDoubleArray();
        for (int j = 0; j < NEW.size(); j++) {
            int i = OLD.index(NEW.word(j));
            for (int k = 0; k < 4; k++) {
                assertEquals(i < 0 ? embedFresh[j * 4 + k] : embedOld[i * 4 + k], embedNew[j * 4 + k], NEW.word(j));
            }
            for (int h = 0; h < 3; h++) {
                assertEquals(i < 0 ? vocabFresh[h * 9 + j] : vocabOld[h * 8 + i], vocabNew[h * 9 + j], NEW.word(j));
            }
            assertEquals(i < 0 ? 0.0 : biasOld[i], biasNew[j], NEW.word(j));
        }
        // "dog" moved from index 5 to 4: its row moved with it.
        assertEquals(embedOld[5 * 4], embedNew[4 * 4]);
        assertFalse(embedOld[5 * 4] == embedOld[4 * 4]);
    }

    @Test
    void aTransformersEmbeddingAndOutputRowsAreCarriedOverByWord() {
        TransformerConfig config = new TransformerConfig(OLD.size(), 5, 4, 6, 2, 2, Activation.Kind.GELU, 0.1, 20,
                OLD.nullIdx(), OLD.startIdx(), OLD.endIdx());
        Tensor params = config.initialParams(DType.FLOAT64, 11);
        for (int i = 0; i < params.size(); i++) {
            params.set(i, params.get(i) + 0.25 * (i % 7)); // not what a fresh initialisation gives
        }
        Path file = tmp.resolve("transformer.h5");
        new Checkpoint(config, OLD, params, "adam", Map.of(), 0, 0, 1e-3, new double[0], 11, "{}").write(file);

        VocabularyWarmStart.Result r = VocabularyWarmStart.load(file, "old", DType.FLOAT64, NEW, 5, null);
        assertTrue(r.remapped());
        assertEquals("vocabulary remapped by word: 6 shared, 3 new, 2 dropped", r.describe());
        TransformerConfig c = (TransformerConfig) r.params().config();
        assertEquals(new TransformerConfig(NEW.size(), 5, 4, 6, 2, 2, Activation.Kind.GELU, 0.1, 20, NEW.nullIdx(),
                NEW.startIdx(), NEW.endIdx()), c);
        ParamLayout from = config.layout();
        ParamLayout to = c.layout();
        Tensor fresh = c.initialParams(DType.FLOAT64, 5);
        Tensor p = r.params().params();
        List<String> words = List.of("embedding.weight", "output.weight", "output.bias");
        for (ParamLayout.Entry e : to.entries()) {
            if (!words.contains(e.name())) {
                assertArrayEquals(from.view(params, e.name()).toDoubleArray(), to.view(p, e.name()).toDoubleArray(),
                        e.name());
            }
        }
        for (String name : words) {
            double[] old = from.view(params, name).toDoubleArray();
            double[] now = to.view(p, name).toDoubleArray();
            double[] init = to.view(fresh, name).toDoubleArray();
            int n = name.endsWith(".bias") ? 1 : 4;
            for (int j = 0; j < NEW.size(); j++) {
                int i = OLD.index(NEW.word(j));
                for (int k = 0; k < n; k++) {
                    assertEquals(i < 0 ? init[j * n + k] : old[i * n + k], now[j * n + k], name + " " + NEW.word(j));
                }
            }
        }
        // "dog" moved from index 5 to 4, its output row with it; a new word's row is the initialisation's.
        assertEquals(from.view(params, "output.weight").toDoubleArray()[5 * 4],
                to.view(p, "output.weight").toDoubleArray()[4 * 4]);
        assertFalse(to.view(p, "output.weight").toDoubleArray()[5 * 4]
                == from.view(params, "output.weight").toDoubleArray()[5 * 4], "horse did not take dog's old row");
    }

    @Test
    void theSameVocabularyReadsTheParametersExactlyAsBefore() {
        Path file = oldModel(DType.FLOAT32);
        VocabularyWarmStart.Result r = VocabularyWarmStart.load(file, "old", DType.FLOAT32, OLD, 5, null);
        assertFalse(r.remapped());
        assertArrayEquals(Checkpoint.readParams(file, "old", DType.FLOAT32, OLD).params().floatStorage(),
                r.params().params().floatStorage());
        assertEquals(OLD.words(), VocabularyWarmStart.storedVocabulary(file, "old").words());
    }
}
