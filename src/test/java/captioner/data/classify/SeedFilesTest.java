package captioner.data.classify;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Seed 004's data files as numpy and Python's csv wrote them (make_seed_files.py), and bad copies of them. */
class SeedFilesTest {
    @TempDir
    Path tmp;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(SeedFilesTest.class.getResource("/captioner/data/classify/" + name).toURI());
    }

    /** A copy of the seed fixture directory that a test may break. */
    private Path copy() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("seed"));
        try (var files = Files.list(resource("seed"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        return dir;
    }

    /** An int64 .npy file as numpy writes it (version 1.0, C order). */
    static void writeInt64(Path file, int[] shape, int[] values) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String header = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? ",)" : ")")
                + ", }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int v : values) {
            out.putLong(v);
        }
        Files.write(file, out.array());
    }

    private static SentenceData read(Path dir) {
        return SeedFiles.read(dir.toString(), new Configuration());
    }

    @Test
    void readsTheSeedsLayout() throws Exception {
        SentenceData data = read(resource("seed"));
        assertEquals(List.of("<PAD>", "<CLS>", "<UNK>", "the", "dog", "a,b"), data.words());
        assertEquals(5, data.length());
        SentenceSplit train = data.split(SentenceData.TRAIN);
        assertArrayEquals(new int[] {1, 3, 4, 0, 0, 1, 4, 3, 0, 0, 1, 5, 2, 3, 4, 1, 3, 0, 0, 0}, train.tokens());
        assertArrayEquals(new int[] {1, 0, 1, 0}, train.labels());
        assertArrayEquals(new int[] {1, 0, 0}, data.split(SentenceData.VAL).labels());
    }

    /** The same directory through a file: URI reads the same. */
    @Test
    void readsThroughAHadoopUri() throws Exception {
        SentenceData data = SeedFiles.read(resource("seed").toUri().toString(), new Configuration());
        assertArrayEquals(read(resource("seed")).split(SentenceData.VAL).tokens(),
                data.split(SentenceData.VAL).tokens());
    }

    @Test
    void numpysEncodingsReadAlike() throws Exception {
        for (String name : List.of("i8", "i4_big_endian", "u1", "i2_fortran")) {
            try (InputStream in = Files.newInputStream(resource("npy/" + name + ".npy"))) {
                NpyInts a = NpyInts.read(in, name);
                assertArrayEquals(new int[] {2, 3}, a.shape(), name);
                assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, a.values(), name);
            }
        }
        try (InputStream in = Files.newInputStream(resource("npy/bool.npy"))) {
            assertArrayEquals(new int[] {1, 0, 1}, NpyInts.read(in, "bool").values());
        }
        try (InputStream in = Files.newInputStream(resource("npy/f8.npy"))) {
            BadInputException e = assertThrows(BadInputException.class, () -> NpyInts.read(in, "f8.npy"));
            assertEquals("f8.npy: holds elements of numpy type '<f8'; expected an integer array (numpy int8 … int64, "
                    + "uint8 … uint64 or bool)", e.getMessage());
        }
    }

    @Test
    void labelsOtherThanZeroOrOneAreNamed() throws Exception {
        Path dir = copy();
        writeInt64(dir.resolve("train_labels.npy"), new int[] {4}, new int[] {1, 0, 2, 0});
        BadInputException e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("train_labels.npy") + ": row 2 holds label 2; expected 0 (unacceptable) or 1 "
                + "(acceptable)", e.getMessage());
    }

    @Test
    void indicesOutsideTheVocabularyAreNamed() throws Exception {
        Path dir = copy();
        writeInt64(dir.resolve("val_inxs.npy"), new int[] {3, 5}, new int[] {1, 3, 0, 0, 0, 1, 6, 0, 0, 0, 1, 0, 0, 0, 0});
        BadInputException e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("val_inxs.npy") + ": row 1, column 1 holds 6; expected a word index in [0, 6) "
                + "(word_to_ix.csv has 6 words)", e.getMessage());
    }

    @Test
    void rowsOfAnotherLengthAreNamed() throws Exception {
        Path dir = copy();
        writeInt64(dir.resolve("val_inxs.npy"), new int[] {3, 4}, new int[12]);
        BadInputException e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("val_inxs.npy") + ": rows of 4 tokens, but train_inxs.npy has rows of 5; expected "
                + "every split padded to one length", e.getMessage());
        writeInt64(dir.resolve("val_inxs.npy"), new int[] {15}, new int[15]);
        e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("val_inxs.npy") + ": has shape [15]; expected (N, T): one row of T token indices per "
                + "sentence", e.getMessage());
        writeInt64(dir.resolve("val_inxs.npy"), new int[] {2, 5}, new int[10]);
        e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("val_labels.npy") + ": has shape [3]; expected (2,): one label per row of "
                + "val_inxs.npy", e.getMessage());
    }

    @Test
    void missingFilesAndBadVocabularyLinesAreNamed() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve("val_labels.npy"));
        BadInputException e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("val_labels.npy") + ": no such file; expected the seed's word_to_ix.csv, "
                + "train_inxs.npy, train_labels.npy, val_inxs.npy, val_labels.npy in " + dir, e.getMessage());
        Files.copy(resource("seed/val_labels.npy"), dir.resolve("val_labels.npy"));
        Files.writeString(dir.resolve("word_to_ix.csv"), "<PAD>,0\n<CLS>,one\n");
        e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("word_to_ix.csv") + ": line 2: index 'one' is not an integer; expected word,index",
                e.getMessage());
        Files.writeString(dir.resolve("word_to_ix.csv"), "<PAD>,0\n<CLS>,0\n");
        e = assertThrows(BadInputException.class, () -> read(dir));
        assertEquals(dir.resolve("word_to_ix.csv") + ": line 2: index 0 is given to both '<PAD>' and '<CLS>'; "
                + "expected each index once", e.getMessage());
        BadInputException none = assertThrows(BadInputException.class, () -> read(tmp.resolve("absent")));
        assertEquals(tmp.resolve("absent") + ": no such directory; expected a folder holding the seed's "
                + "word_to_ix.csv, train_inxs.npy, train_labels.npy, val_inxs.npy, val_labels.npy", none.getMessage());
    }
}
