package captioner.model;

import captioner.BadInputException;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every checkpoint carries the SHA-256 of its contents; a changed, partial or foreign file is refused by name. */
class CheckpointChecksumTest {
    @TempDir
    Path tmp;

    private static final Vocabulary VOCAB = new Vocabulary(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog"),
            "test");

    private static Checkpoint checkpoint() {
        ModelConfig config = new ModelConfig(CellType.LSTM, VOCAB.size(), 5, 4, 3, VOCAB.nullIdx(), VOCAB.startIdx(),
                VOCAB.endIdx());
        ParamLayout layout = new ParamLayout(config);
        Tensor params = CaptioningModel.initialParams(config, DType.FLOAT32, 3);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("m", layout.zeros(DType.FLOAT32));
        state.put("t", Tensor.of(DType.FLOAT64, new double[] {12}, 1));
        return new Checkpoint(config, VOCAB, params, "adam", state, 12, 2, 4.5e-3, new double[] {3.5, 2.25}, 231,
                "{\"hidden\":3}");
    }

    private Path written() {
        Path file = tmp.resolve("ckpt.h5");
        checkpoint().write(file);
        return file;
    }

    @Test
    void aWrittenCheckpointVerifiesAndReadsBack() {
        Path file = written();
        Checkpoint.verify(file, "ckpt");
        assertArrayEquals(checkpoint().params().floatStorage(),
                Checkpoint.read(file, "ckpt", DType.FLOAT32).params().floatStorage());
    }

    @Test
    void aChangedValueIsRefusedByEveryReader() throws IOException {
        Path file = written();
        // The first parameter (W_proj[0][0]) as float32 bits: find and change it in place, keeping the file readable.
        float first = checkpoint().params().floatStorage()[0];
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, Float.floatToRawIntBits(first));
        assertTrue(at >= 0, "the value is in the file");
        bytes[at] ^= 1;
        Files.write(file, bytes);
        for (Runnable reader : List.<Runnable>of(() -> Checkpoint.verify(file, "changed.h5"),
                () -> Checkpoint.read(file, "changed.h5", DType.FLOAT32),
                () -> Checkpoint.readParams(file, "changed.h5", DType.FLOAT32, VOCAB))) {
            BadInputException e = assertThrows(BadInputException.class, reader::run);
            assertTrue(e.getMessage().startsWith("changed.h5: its contents do not match its checksum"), e.getMessage());
        }
    }

    @Test
    void aTruncatedCheckpointIsRefused() throws IOException {
        Path file = written();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> Checkpoint.read(file, "half.h5", DType.FLOAT32));
        assertTrue(e.getMessage().startsWith("half.h5: "), e.getMessage());
        assertThrows(BadInputException.class, () -> Checkpoint.verify(file, "half.h5"));
    }

    /** Index of the little-endian bytes of {@code bits} in {@code bytes}, or -1. */
    private static int indexOf(byte[] bytes, int bits) {
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if ((bytes[i] & 0xff) == (bits & 0xff) && (bytes[i + 1] & 0xff) == (bits >>> 8 & 0xff)
                    && (bytes[i + 2] & 0xff) == (bits >>> 16 & 0xff) && (bytes[i + 3] & 0xff) == (bits >>> 24 & 0xff)) {
                return i;
            }
        }
        return -1;
    }
}
