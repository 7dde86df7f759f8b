package captioner.model;

import captioner.BadInputException;
import captioner.nn.Activation;
import captioner.nn.TorchFixture;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transformer parameters in HDF5: PyTorch's state_dict as h5py writes it, and our own checkpoints. */
class TransformerParamsTest {
    @TempDir
    Path tmp;

    private static final Vocabulary VOCAB = vocab(10);

    private static Vocabulary vocab(int size) {
        List<String> words = new ArrayList<>(List.of("<NULL>", "<START>", "<END>"));
        for (int i = 3; i < size; i++) {
            words.add("w" + i);
        }
        return new Vocabulary(words, "test");
    }

    private static Path stateDict() throws URISyntaxException {
        return Path.of(TorchFixture.class.getResource("model_gelu_state_dict.h5").toURI());
    }

    private static TransformerSettings heads(Integer h) {
        return new TransformerSettings(h, null, null, null);
    }

    /** A state_dict h5py wrote from PyTorch reads with the heads given, and gives PyTorch's loss. */
    @Test
    void pyTorchsStateDictLoadsAndGivesItsLoss() throws Exception {
        Checkpoint.Params p = Checkpoint.readParams(stateDict(), "--init sd.h5", DType.FLOAT64, VOCAB, heads(2));
        TransformerConfig c = (TransformerConfig) p.config();
        assertEquals(new TransformerConfig(10, 5, 8, 12, 2, 2, Activation.Kind.GELU, TransformerConfig.DEFAULT_DROPOUT,
                8, 0, 1, 2), c, "W, D, V, F, L from the shapes; 8 positions from positional_encoding.pe");
        TorchFixture f = TorchFixture.load("model_gelu.json");
        int[] captions = java.util.Arrays.stream(f.array("captions")).mapToInt(d -> (int) d).toArray();
        double loss = c.newModel(p.params()).loss(f.tensor("features"), captions, (int) f.number("captionLength"),
                null);
        assertEquals(f.number("loss"), loss, TorchFixture.PARITY);
    }

    @Test
    void aStateDictWithoutHeadsNeedsThemGiven() throws Exception {
        Path file = stateDict();
        BadInputException e = assertThrows(BadInputException.class,
                () -> Checkpoint.readParams(file, "--init sd.h5", DType.FLOAT64, VOCAB, null));
        assertTrue(e.getMessage().startsWith("--init sd.h5: a transformer's attention heads cannot be read"),
                e.getMessage());
    }

    @Test
    void ourCheckpointRoundTripsWithItsSettings() {
        TransformerConfig c = new TransformerConfig(10, 5, 8, 12, 3, 4, Activation.Kind.RELU, 0.25, 17, 0, 1, 2);
        Tensor params = c.initialParams(DType.FLOAT32, 5);
        Path file = tmp.resolve("ckpt.h5");
        new Checkpoint(c, VOCAB, params, "sgd", Map.of(), 3, 0, 0.1, new double[] {1, 2, 3}, 7, "{}").write(file);
        Checkpoint back = Checkpoint.read(file, "ckpt", DType.FLOAT32);
        assertEquals(c, back.model());
        assertArrayEquals(params.floatStorage(), back.params().floatStorage());
        // Given heads win over the file's (a warm start may change them: the shapes do not depend on them).
        assertEquals(2, ((TransformerConfig) Checkpoint.readParams(file, "f", DType.FLOAT32, VOCAB, heads(2)).config())
                .heads());
    }

    @Test
    void missingAndMisshapedParametersAreNamed() {
        TransformerConfig c = new TransformerConfig(10, 5, 8, 12, 2, 2, Activation.Kind.GELU, 0.1, 8, 0, 1, 2);
        ParamLayout layout = c.layout();
        Tensor params = c.initialParams(DType.FLOAT64, 1);
        Path missing = tmp.resolve("missing.h5");
        write(missing, layout, params, List.of("transformer.layers.1.cross_attn.value.bias", "output.bias"), null);
        BadInputException e = assertThrows(BadInputException.class,
                () -> Checkpoint.readParams(missing, "--init m.h5", DType.FLOAT64, VOCAB, heads(2)));
        assertEquals("--init m.h5: 2 transformer parameters are missing under /params: "
                + "transformer.layers.1.cross_attn.value.bias, output.bias; expected every state_dict entry of a "
                + "transformer with V=10, D=5, W=8, F=12, L=2", e.getMessage());
        Path misshaped = tmp.resolve("misshaped.h5");
        write(misshaped, layout, params, List.of(), "transformer.layers.0.ffn.fc2.weight");
        e = assertThrows(BadInputException.class,
                () -> Checkpoint.readParams(misshaped, "--init s.h5", DType.FLOAT64, VOCAB, heads(2)));
        assertEquals("--init s.h5: /params/transformer.layers.0.ffn.fc2.weight has shape [12, 8]; expected [8, 12] for "
                + "a transformer with V=10, D=5, W=8, F=12, L=2", e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> Checkpoint.readParams(misshaped, "--init s.h5", DType.FLOAT64, vocab(11), heads(2)));
        assertTrue(e.getMessage().contains("/params/embedding.weight has 10 rows"), e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> Checkpoint.readParams(misshaped, "--init s.h5", DType.FLOAT64, VOCAB, heads(3)));
        assertTrue(e.getMessage().startsWith("--init s.h5: model width W 8 is not divisible by 3 attention heads"),
                e.getMessage());
    }

    /** /params as a PyTorch user's h5py would write it, without {@code skip}, with {@code transposed} transposed. */
    private static void write(Path file, ParamLayout layout, Tensor params, List<String> skip, String transposed) {
        StateDictFile.write(file, layout, params, skip, transposed);
    }
}
