package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jHDF calls its writer alpha, so the reference library must read our checkpoints bit for bit: h5py (libhdf5)
 * reads a checkpoint we wrote and reports every dataset's dtype, shape and a digest of its bytes, and every root
 * attribute. Skipped where h5py is missing, except in CI ({@code CI} set), which installs it.
 */
class CheckpointH5pyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"LSTM, FLOAT32", "RNN, FLOAT64"})
    void h5pyReadsEveryDatasetAndAttributeBitwise(CellType cell, DType dtype) throws Exception {
        String python = pythonWithH5py();
        Random rng = new Random(7);
        Vocabulary vocab = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog", "café"), "test");
        ModelConfig config = new ModelConfig(cell, vocab.size(), 5, 4, 3, vocab.nullIdx(), vocab.startIdx(), vocab.endIdx());
        ParamLayout layout = new ParamLayout(config);
        Tensor params = CaptioningModel.initialParams(config, dtype, 3);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("m", random(layout.zeros(dtype), rng));
        state.put("v", random(layout.zeros(dtype), rng));
        state.put("t", Tensor.of(DType.FLOAT64, new double[] {12}, 1));
        double[] history = {9.5, 7.25, 1e-300, -0.0};
        Checkpoint ckpt = new Checkpoint(config, vocab, params, "adam", state, 12, 2, 4.5e-3, history, 231,
                "{\"hidden\":3}");
        Path file = tmp.resolve("ckpt.h5");
        ckpt.write(file);

        JsonNode read = readWithH5py(python, file);
        JsonNode datasets = read.get("datasets");
        Map<String, Expected> expected = new LinkedHashMap<>();
        for (ParamLayout.Entry e : layout.entries()) {
            expected.put("params/" + e.name(), Expected.of(layout.view(params, e.name()), e.shape()));
            for (String s : List.of("m", "v")) {
                expected.put("optimizer/" + s + "/" + e.name(), Expected.of(layout.view(state.get(s), e.name()), e.shape()));
            }
        }
        expected.put("optimizer/t", Expected.of(state.get("t"), new int[] {1}));
        expected.put("history/loss", Expected.of(Tensor.of(DType.FLOAT64, history, history.length), new int[] {4}));
        List<String> names = new ArrayList<>();
        datasets.fieldNames().forEachRemaining(names::add);
        List<String> want = new ArrayList<>(expected.keySet());
        want.add("vocab/idx_to_word");
        assertEquals(want.stream().sorted().toList(), names.stream().sorted().toList(), "datasets h5py sees");
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            JsonNode d = datasets.get(e.getKey());
            assertEquals(e.getValue().dtype, d.get("dtype").asText(), e.getKey() + " dtype");
            assertEquals(e.getValue().shape, JSON.convertValue(d.get("shape"), List.class), e.getKey() + " shape");
            assertEquals(e.getValue().sha256, d.get("sha256").asText(), e.getKey() + " bytes");
        }
        assertEquals(vocab.words(), JSON.convertValue(datasets.get("vocab/idx_to_word").get("strings"), List.class));

        JsonNode attrs = read.get("attributes");
        assertEquals(Checkpoint.FORMAT, attrs.get("format").asText());
        assertEquals(cell.label(), attrs.get("cell").asText());
        assertEquals("adam", attrs.get("update_rule").asText());
        assertEquals(12, attrs.get("iteration").asLong());
        assertEquals(2, attrs.get("epoch").asLong());
        assertEquals(4.5e-3, attrs.get("learning_rate").asDouble(), 0.0);
        assertEquals(231, attrs.get("seed").asLong());
        assertEquals("{\"hidden\":3}", attrs.get("config").asText());
    }

    private record Expected(String dtype, List<Integer> shape, String sha256) {
        static Expected of(Tensor t, int[] shape) throws NoSuchAlgorithmException {
            boolean f32 = t.dtype() == DType.FLOAT32;
            ByteBuffer bytes = ByteBuffer.allocate(t.size() * (f32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < t.size(); i++) {
                if (f32) {
                    bytes.putFloat((float) t.get(i));
                } else {
                    bytes.putDouble(t.get(i));
                }
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
            return new Expected(f32 ? "float32" : "float64", java.util.Arrays.stream(shape).boxed().toList(), digest);
        }
    }

    private static Tensor random(Tensor t, Random rng) {
        for (int i = 0; i < t.size(); i++) {
            t.set(i, rng.nextGaussian() * Math.pow(10, rng.nextInt(20) - 10));
        }
        return t;
    }

    private static JsonNode readWithH5py(String python, Path file) throws IOException, InterruptedException,
            URISyntaxException {
        Path script = Path.of(CheckpointH5pyTest.class.getResource("h5py_digest.py").toURI());
        Process p = new ProcessBuilder(python, script.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "h5py did not finish");
        assertEquals(0, p.exitValue(), "h5py could not read " + file + ":\n" + out);
        return JSON.readTree(out);
    }

    /** The first python3 that imports h5py (Debian's lives in /usr/bin, beside other interpreters on PATH). */
    private static String pythonWithH5py() throws InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import h5py").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException absent) {
                // try the next one
            }
        }
        boolean ci = System.getenv("CI") != null;
        assertTrue(!ci, "CI must have h5py (.ci/run installs python3-h5py)");
        return Assumptions.abort("h5py is not installed (apt-get install python3-h5py)");
    }
}
