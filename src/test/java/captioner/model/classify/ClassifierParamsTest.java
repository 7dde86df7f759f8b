package captioner.model.classify;

import captioner.BadInputException;
import captioner.model.Checkpoint;
import captioner.model.ParamLayout;
import captioner.model.StateDictFile;
import captioner.model.Vocabulary;
import captioner.nn.TorchFixture;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A classifier's parameters from the seed's PyTorch state_dict, as h5py writes it. */
class ClassifierParamsTest {
    @TempDir
    Path tmp;

    private static Path stateDict() throws URISyntaxException {
        return Path.of(ClassifierParamsTest.class.getResource("/captioner/model/classify/classifier_state_dict.h5")
                .toURI());
    }

    /** Sizes from the shapes, heads from the names; the seed's weights give its scores and gradients to 1e-10. */
    @Test
    void theSeedsStateDictGivesItsScoresAndGradients() throws Exception {
        TorchFixture f = TorchFixture.load(ClassificationTransformerTest.FIXTURE);
        ClassifierParams.Read read = ClassifierParams.read(stateDict(), "--init sd.h5", DType.FLOAT64);
        assertEquals(new ClassifierConfig(13, 8, 2, 16, 6, 5, 7), read.config());
        ClassificationTransformer model = read.config().newModel(read.params());
        int length = (int) f.number("length");
        int[] tokens = ClassificationTransformerTest.ints(f, "tokens");
        int[] labels = ClassificationTransformerTest.ints(f, "labels");
        f.assertClose("scores", model.scores(tokens, length), TorchFixture.PARITY);
        Tensor grads = read.config().layout().zeros(DType.FLOAT64);
        double loss = model.lossSum(tokens, length, labels, grads) / labels.length;
        assertEquals(f.number("loss"), loss, TorchFixture.PARITY);
        ParamLayout layout = read.config().layout();
        for (ParamLayout.Entry e : layout.entries()) {
            Tensor g = layout.view(grads, e.name()).copy(DType.FLOAT64);
            for (int i = 0; i < g.size(); i++) {
                g.set(i, g.get(i) / labels.length);
            }
            f.assertClose("d" + e.name(), g, TorchFixture.PARITY);
        }
    }

    /** --init's reader (Checkpoint.readParams, as VocabularyWarmStart calls it) takes the same path. */
    @Test
    void initReadsTheSeedsStateDict() throws Exception {
        java.util.List<String> words = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) {
            words.add("w" + i);
        }
        Checkpoint.Params p = Checkpoint.readParams(stateDict(), "--init sd.h5", DType.FLOAT64,
                Vocabulary.sentenceWords(words, "test"));
        ClassifierParams.Read read = ClassifierParams.read(stateDict(), "sd.h5", DType.FLOAT64);
        assertEquals(read.config(), p.config());
        assertEquals(java.util.Arrays.toString(read.params().toDoubleArray()),
                java.util.Arrays.toString(p.params().toDoubleArray()));
        BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.readParams(stateDict(),
                "--init sd.h5", DType.FLOAT64, Vocabulary.sentenceWords(words.subList(0, 6), "test")));
        assertEquals("--init sd.h5: /params/token_embeddings.weight has 13 rows (vocabulary size) but the data's "
                + "vocabulary has 6 words; expected them to match", e.getMessage());
    }

    /** Three heads come from the names q1, q2, q3 alone. */
    @Test
    void headsComeFromTheNames() {
        ClassifierConfig config = new ClassifierConfig(9, 6, 3, 10, 4, 2, 5);
        Tensor params = config.initialParams(DType.FLOAT64, 4);
        Path file = tmp.resolve("three.h5");
        write(file, config.layout(), params, List.of(), null);
        ClassifierParams.Read read = ClassifierParams.read(file, "three.h5", DType.FLOAT64);
        assertEquals(config, read.config());
        assertEquals(java.util.Arrays.toString(params.toDoubleArray()),
                java.util.Arrays.toString(read.params().toDoubleArray()));
    }

    @Test
    void missingAndMisshapedParametersAreNamed() {
        ClassifierConfig config = new ClassifierConfig(9, 6, 2, 10, 4, 2, 5);
        Tensor params = config.initialParams(DType.FLOAT64, 4);
        Path missing = tmp.resolve("missing.h5");
        write(missing, config.layout(), params, List.of("k2.bias", "norm_ffn.weight"), null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ClassifierParams.read(missing, "--init m.h5", DType.FLOAT64));
        assertEquals("--init m.h5: 2 classifier parameters are missing under /params: k2.bias, norm_ffn.weight; "
                + "expected every state_dict entry of a classifier (V=9, E=6, heads=2, Dk=4, Dv=2, F=10, L=5)",
                e.getMessage());
        Path misshaped = tmp.resolve("misshaped.h5");
        write(misshaped, config.layout(), params, List.of(), "W2.weight");
        e = assertThrows(BadInputException.class, () -> ClassifierParams.read(misshaped, "--init s.h5", DType.FLOAT64));
        assertEquals("--init s.h5: /params/W2.weight has shape [10, 6]; expected [6, 10] for a classifier (V=9, E=6, "
                + "heads=2, Dk=4, Dv=2, F=10, L=5)", e.getMessage());
        Path noHeads = tmp.resolve("noheads.h5");
        write(noHeads, config.layout(), params, List.of("q1.weight"), null);
        e = assertThrows(BadInputException.class, () -> ClassifierParams.read(noHeads, "--init n.h5", DType.FLOAT64));
        assertEquals("--init n.h5: no dataset /params/q1.weight; expected a classifier's heads q1, k1, v1 … under "
                + "/params", e.getMessage());
    }

    private static void write(Path file, ParamLayout layout, Tensor params, List<String> skip, String transposed) {
        StateDictFile.write(file, layout, params, skip, transposed);
    }
}
