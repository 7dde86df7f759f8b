package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.TrainingSubset;
import captioner.io.OtherSchemeFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cs231nReaderTest {
    @TempDir
    Path tmp;

    private static Cs231nData read(String where) {
        return Cs231nReader.read(where, null, FeatureKind.PCA, null, 0);
    }

    /** Asserts that {@code data} holds exactly what the default {@link Fixture} writes. */
    private static void assertFixture(Cs231nData data) {
        Fixture f = new Fixture();
        assertEquals(8, data.vocab().size());
        assertEquals(List.of("train", "val"), data.splitNames());
        for (String s : List.of("train", "val")) {
            CaptionSplit split = data.split(s);
            assertEquals(Fixture.T, split.captionLength());
            assertArrayEquals(Fixture.flat((int[][]) f.captions.get(s + "_captions")), split.captions(), s);
            assertArrayEquals((int[]) f.captions.get(s + "_image_idxs"), split.imageIdxs(), s);
            assertArrayEquals(Fixture.flat((float[][]) f.features.get(s)), split.features(), s);
            assertEquals(Fixture.D, split.featureDim());
            assertArrayEquals(f.urls.get(s).split("\n"), split.urls(), s);
        }
        assertEquals("a dog sits", data.vocab().decode(data.train().captions(), Fixture.T, Fixture.T));
        assertEquals("a <UNK> sits", data.vocab().decode(data.train().caption(4), 0, Fixture.T));
    }

    @Test
    void readsContiguousFixtureFromPlainPath() throws IOException {
        assertFixture(read(new Fixture().write(tmp.resolve("d")).toString()));
    }

    @Test
    void readsChunkedCompressedFixture() throws IOException {
        Path dir = new Fixture().chunked().write(tmp.resolve("d"));
        assertFixture(read(dir.toString()));
    }

    @Test
    void readsFileUri() throws IOException {
        Path dir = new Fixture().write(tmp.resolve("d"));
        String uri = dir.toUri().toString();
        assertTrue(uri.startsWith("file:"), uri);
        assertFixture(read(uri));
    }

    @Test
    void readsThroughAnotherHadoopSchemeAndDeletesTemporaryCopies() throws IOException {
        Path dir = new Fixture().chunked().write(tmp.resolve("d"));
        List<Path> before = temporaryCopies();
        String uri = OtherSchemeFileSystem.SCHEME + "://" + dir.toAbsolutePath();
        Cs231nData data = Cs231nReader.read(uri, OtherSchemeFileSystem.configuration(), FeatureKind.PCA, null, 0);
        assertFixture(data);
        assertEquals(uri, data.source());
        assertEquals(before, temporaryCopies(), "temporary copies of the HDF5 files must be deleted");
    }

    private static List<Path> temporaryCopies() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("captioner-")).sorted().toList();
        }
    }

    @Test
    void readsFc7FilesWhenAskedTo() throws IOException {
        Path dir = new Fixture().write(tmp.resolve("d"));
        float[][] wide = new float[3][4096];
        wide[2][4095] = 42f;
        Fixture.writeFeatures(dir.resolve(FeatureKind.FC7.fileName("train")), wide);
        Fixture.writeFeatures(dir.resolve(FeatureKind.FC7.fileName("val")), new float[2][4096]);
        Cs231nData data = Cs231nReader.read(dir.toString(), null, FeatureKind.FC7, null, 0);
        assertEquals(4096, data.train().featureDim());
        assertEquals(42f, data.train().features()[2 * 4096 + 4095]);
        assertEquals(FeatureKind.FC7, data.featureKind());
    }

    @Test
    void absentValSplitLoadsTrainAndExplainsWhenValIsAskedFor() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("val_captions", null);
        f.captions.put("val_image_idxs", null);
        f.features.put("val", null);
        f.urls.put("val", null);
        Path dir = f.write(tmp.resolve("d"));
        Cs231nData data = read(dir.toString());
        assertEquals(List.of("train"), data.splitNames());
        assertFalse(data.hasSplit("val"));
        BadInputException e = assertThrows(BadInputException.class, data::val);
        assertTrue(e.getMessage().contains("val_captions"), e.getMessage());

        BadInputException asked = assertThrows(BadInputException.class, () -> Cs231nReader.read(dir.toString(), null,
                FeatureKind.PCA, null, 0, List.of("train", "val")));
        assertTrue(asked.getMessage().contains(dir.resolve("coco2014_captions.h5").toString()), asked.getMessage());
        assertTrue(asked.getMessage().contains("'val_captions'"), asked.getMessage());
    }

    @Test
    void explicitSplitListLoadsOnlyThose() throws IOException {
        Fixture f = new Fixture();
        f.features.put("train", null); // not needed when only val is asked for
        Path dir = f.write(tmp.resolve("d"));
        Cs231nData data = Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0, List.of("val"));
        assertEquals(List.of("val"), data.splitNames());
        assertEquals(4, data.val().numCaptions());
    }

    @Test
    void urlsAreOptional() throws IOException {
        Fixture f = new Fixture();
        f.urls.put("train", null);
        Cs231nData data = read(f.write(tmp.resolve("d")).toString());
        assertNull(data.train().urls());
        assertEquals(2, data.val().urls().length);
    }

    @Test
    void trailingBlankLinesOfUrlsFileAreIgnored() throws IOException {
        Fixture f = new Fixture();
        f.urls.put("val", "http://x/v0.jpg\r\nhttp://x/v1.jpg\r\n\r\n");
        Cs231nData data = read(f.write(tmp.resolve("d")).toString());
        assertArrayEquals(new String[] {"http://x/v0.jpg", "http://x/v1.jpg"}, data.val().urls());
    }

    @Test
    void acceptsWiderAndUnsignedIntegersAndFloat64Features() throws IOException {
        Fixture f = new Fixture();
        int[][] caps = (int[][]) f.captions.get("train_captions");
        long[][] wide = new long[caps.length][];
        for (int i = 0; i < caps.length; i++) {
            wide[i] = java.util.Arrays.stream(caps[i]).asLongStream().toArray();
        }
        f.captions.put("train_captions", wide);
        f.captions.put("val_image_idxs", new short[] {1, 0, 1, 0});
        f.features.put("val", new double[][] {{2, 2, -2, 0.125}, {9, -3, 1, 1}});
        assertFixture(read(f.write(tmp.resolve("d")).toString()));
    }

    @Test
    void maxTrainKeepsADeterministicSubsetInFileOrder() throws IOException {
        Path dir = new Fixture().write(tmp.resolve("d"));
        Cs231nData all = read(dir.toString());
        Cs231nData a = Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, 4, 7);
        Cs231nData b = Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, 4, 7);
        assertEquals(4, a.train().numCaptions());
        assertArrayEquals(a.train().captions(), b.train().captions());
        assertArrayEquals(a.train().imageIdxs(), b.train().imageIdxs());
        // Features are shared, so image indices keep their meaning; val is untouched.
        assertArrayEquals(all.train().features(), a.train().features());
        assertEquals(all.val().numCaptions(), a.val().numCaptions());
        // Every kept caption is a row of the file, in file order, each at most once.
        int[] expectedRows = TrainingSubset.rows(6, 4, 7);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(all.train().caption(expectedRows[k]), a.train().caption(k));
            assertEquals(all.train().imageIdxs()[expectedRows[k]], a.train().imageIdxs()[k]);
        }
        Cs231nData big = Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, 100, 7);
        assertArrayEquals(all.train().captions(), big.train().captions());

        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, 0, 7));
        assertTrue(e.getMessage().contains("a training subset of 0 captions"), e.getMessage());
    }

    @Test
    void captionSplitSharesArraysAndCopiesRows() throws IOException {
        CaptionSplit train = read(new Fixture().write(tmp.resolve("d")).toString()).train();
        assertSame(train.captions(), train.captions());
        assertArrayEquals(new float[] {0.25f, 8f, -1f, 2f}, train.imageFeatures(1));
        assertEquals(3, train.numImages());
    }
}
