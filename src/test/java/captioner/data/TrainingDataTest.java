package captioner.data;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nLayout;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.cs231n.Fixture;
import captioner.data.synthetic.DefaultDataset;
import captioner.data.table.TableWriter;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a table or a cs231n directory and cutting it into shards, in Spark local mode. */
class TrainingDataTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    static SparkSession spark;
    static Path synthDir;
    static Path synthTable;
    static Path fixtureDir;
    static Path fixtureTable;

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.session();
        synthDir = TestDatasets.synthetic(shared);
        synthTable = shared.resolve("synth-table");
        new TableWriter(spark).prepare(synthDir.toString(), synthTable.toString(), FeatureKind.PCA, null, 0, false);
        fixtureDir = TestDatasets.fixture(shared);
        fixtureTable = shared.resolve("fixture-table");
        new TableWriter(spark).prepare(fixtureDir.toString(), fixtureTable.toString(), FeatureKind.PCA, null, 0, false);
    }

    private static TrainingData open(Path data, Integer maxTrain, long seed) {
        return TrainingData.open(spark, data.toString(), null, maxTrain, seed);
    }

    @Test
    void describesTheDataAlikeForBothInputs() {
        try (TrainingData dir = open(synthDir, null, 0); TrainingData table = open(synthTable, null, 0)) {
            assertTrue(dir.toString().contains(" (cs231n directory, "), dir.toString());
            assertTrue(table.toString().contains(" (table, "), table.toString());
            for (TrainingData d : List.of(dir, table)) {
                assertEquals(512, d.featureDim());
                assertEquals(17, d.captionLength());
                assertEquals(FeatureKind.PCA, d.featureKind());
                assertEquals(List.of("train", "val"), d.splitNames());
                assertTrue(d.hasSplit("val"));
                assertEquals(200, d.numCaptions("train"));
                assertEquals(100, d.numCaptions("val"));
                assertEquals(40, d.numImages("train"));
            }
            assertEquals(dir.vocab().words(), table.vocab().words());
            assertEquals(synthTable.toString(), table.source());
        }
    }

    @Test
    void shardsConcatenateToTheSplitAndAreTheSameFromTableAndDirectory() {
        Cs231nData expected = Cs231nReader.read(synthDir.toString(), null, FeatureKind.PCA, null, 0);
        try (TrainingData dir = open(synthDir, null, 0); TrainingData table = open(synthTable, null, 0)) {
            for (String split : List.of("train", "val")) {
                CaptionSplit s = expected.split(split);
                for (int p : new int[] {1, 3, 4}) {
                    List<CaptionShard> fromTable = Shards.collect(table.shards(split, p));
                    assertEquals(p, fromTable.size());
                    CaptionSplit joined = Shards.concat(fromTable, s);
                    // Synthetic captions are listed image by image, so the shards give back the split's order.
                    assertArrayEquals(s.captions(), joined.captions(), split + " / " + p);
                    assertArrayEquals(s.imageIdxs(), joined.imageIdxs(), split + " / " + p);
                    Shards.assertSame(fromTable, Shards.collect(dir.shards(split, p)), split + " / " + p);
                    if (p > 1) {
                        int[] sizes = fromTable.stream().mapToInt(CaptionShard::numCaptions).toArray();
                        int spread = Arrays.stream(sizes).max().getAsInt() - Arrays.stream(sizes).min().getAsInt();
                        assertTrue(spread <= 5, "balanced by captions: " + Arrays.toString(sizes));
                    }
                }
            }
            assertSame(table.shards("train", 3), table.shards("train", 3), "memoised");
        }
    }

    @Test
    void shardsAreDeterministicAcrossLoads() {
        List<CaptionShard> first;
        try (TrainingData a = open(synthTable, 50, 4)) {
            first = Shards.collect(a.shards("train", 3));
        }
        try (TrainingData b = open(synthTable, 50, 4)) {
            Shards.assertSame(first, Shards.collect(b.shards("train", 3)), "second load");
        }
    }

    @Test
    void captionsOutOfImageOrderComeOutStablySortedByImageRange() {
        Cs231nData expected = Cs231nReader.read(fixtureDir.toString(), null, FeatureKind.PCA, null, 0);
        CaptionSplit train = expected.train(); // image_idxs {0, 1, 0, 2, 1, 2}
        try (TrainingData dir = open(fixtureDir, null, 0); TrainingData table = open(fixtureTable, null, 0)) {
            List<CaptionShard> one = Shards.collect(table.shards("train", 1));
            assertArrayEquals(train.captions(), one.get(0).captions(), "one shard keeps the file's order");
            assertArrayEquals(new int[] {0, 1, 0, 2, 1, 2}, one.get(0).captionImage());
            List<CaptionShard> three = Shards.collect(table.shards("train", 3));
            CaptionSplit joined = Shards.concat(three, train);
            assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, joined.imageIdxs());
            assertArrayEquals(train.withCaptionRows(new int[] {0, 2, 1, 4, 3, 5}).captions(), joined.captions());
            Shards.assertSame(three, Shards.collect(dir.shards("train", 3)), "fixture");
        }
    }

    @Test
    void morePartitionsThanImagesGiveValidEmptyShards() {
        try (TrainingData table = open(fixtureTable, null, 0); TrainingData dir = open(fixtureDir, null, 0)) {
            List<CaptionShard> shards = Shards.collect(table.shards("val", 5));
            assertEquals(5, shards.size());
            assertEquals(4, shards.stream().mapToInt(CaptionShard::numCaptions).sum());
            assertTrue(shards.stream().anyMatch(s -> s.numCaptions() == 0 && s.numImages() == 0
                    && s.features().length == 0));
            Shards.assertSame(shards, Shards.collect(dir.shards("val", 5)), "empty shards");
        }
    }

    @Test
    void maxTrainKeepsTheSameCaptionsFromBothInputs() {
        CaptionSplit expected = Cs231nReader.read(synthDir.toString(), null, FeatureKind.PCA, 37, 5).train();
        try (TrainingData dir = open(synthDir, 37, 5); TrainingData table = open(synthTable, 37, 5)) {
            assertEquals(37, dir.numCaptions("train"));
            assertEquals(37, table.numCaptions("train"));
            assertEquals(100, table.numCaptions("val"), "val is never subsetted");
            List<CaptionShard> fromTable = Shards.collect(table.shards("train", 3));
            Shards.assertSame(fromTable, Shards.collect(dir.shards("train", 3)), "maxTrain");
            CaptionSplit joined = Shards.concat(fromTable, expected);
            assertArrayEquals(expected.captions(), joined.captions());
            assertArrayEquals(expected.imageIdxs(), joined.imageIdxs());
            for (int img = 0; img < 40; img++) {
                assertEquals(dir.references("train").captions(img).size(),
                        table.references("train").captions(img).size(), "image " + img);
            }
        }
    }

    @Test
    void referencesAndUrlsAreTheSameFromBothInputs() {
        CaptionSplit val = Cs231nReader.read(synthDir.toString(), null, FeatureKind.PCA, null, 0).val();
        try (TrainingData dir = open(synthDir, null, 0); TrainingData table = open(synthTable, null, 0)) {
            for (int img = 0; img < val.numImages(); img++) {
                List<int[]> a = dir.references("val").captions(img);
                List<int[]> b = table.references("val").captions(img);
                assertEquals(5, a.size());
                for (int k = 0; k < 5; k++) {
                    assertArrayEquals(val.caption(img * 5 + k), a.get(k));
                    assertArrayEquals(a.get(k), b.get(k));
                }
                assertEquals(val.urls()[img], dir.references("val").url(img));
                assertEquals(val.urls()[img], table.references("val").url(img));
            }
        }
        try (TrainingData d = open(fixtureTable, null, 0)) {
            assertEquals("http://x/t1.jpg", d.references("train").url(1));
        }
    }

    @Test
    void urlsAreNullWhenTheSourceHasNone() throws Exception {
        Fixture noUrls = new Fixture();
        noUrls.urls.put("train", null);
        Path dir = noUrls.write(tmp.resolve("d"));
        Path table = tmp.resolve("t");
        new TableWriter(spark).prepare(dir.toString(), table.toString(), FeatureKind.PCA, null, 0, false);
        try (TrainingData d = open(dir, null, 0); TrainingData t = open(table, null, 0)) {
            assertNull(d.references("train").url(1));
            assertNull(t.references("train").url(1));
            assertEquals("http://x/v1.jpg", t.references("val").url(1));
        }
    }

    @Test
    void theDefaultDatasetIsGeneratedOnceAndReused() throws Exception {
        Path root = tmp.resolve("cache");
        Path dir = DefaultDataset.ensure(root, 30, 7);
        assertEquals(root.resolve("synthetic-30-7"), dir);
        Path captions = dir.resolve(Cs231nLayout.CAPTIONS_FILE);
        FileTime written = Files.getLastModifiedTime(captions);
        Files.setLastModifiedTime(captions, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(captions);
        assertEquals(dir, DefaultDataset.ensure(root, 30, 7));
        assertEquals(marked, Files.getLastModifiedTime(captions), "not regenerated");
        try (var entries = Files.list(root)) {
            assertEquals(List.of(dir), entries.toList(), "no temporary folder left");
        }
        CaptionSplit a = Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0).train();
        Path other = DefaultDataset.ensure(tmp.resolve("cache2"), 30, 7);
        CaptionSplit b = Cs231nReader.read(other.toString(), null, FeatureKind.PCA, null, 0).train();
        assertArrayEquals(a.captions(), b.captions(), "deterministic");
        assertArrayEquals(a.features(), b.features(), "deterministic");
    }

    @Test
    void aNullUriOpensTheEmbeddedDefaultDataset() {
        String previous = System.getProperty("captioner.home");
        System.setProperty("captioner.home", tmp.resolve("home").toString());
        try (TrainingData d = TrainingData.open(spark, null, null, null, 0)) {
            assertTrue(d.source().startsWith("embedded default dataset ("), d.source());
            assertEquals(DefaultDataset.IMAGES, d.numImages("train"));
            assertEquals(5L * DefaultDataset.IMAGES, d.numCaptions("train"));
            assertEquals(979, d.numImages("val"));
            assertTrue(Files.isDirectory(tmp.resolve("home").resolve("synthetic-2000-1")));
            BadInputException e = assertThrows(BadInputException.class,
                    () -> TrainingData.open(spark, null, FeatureKind.FC7, null, 0));
            assertTrue(e.getMessage().contains("only pca features"), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty("captioner.home");
            } else {
                System.setProperty("captioner.home", previous);
            }
        }
    }

    // --- bad input ---

    @Test
    void badInputNamesWhatIsWrong() throws Exception {
        BadInputException e = assertThrows(BadInputException.class, () -> open(tmp.resolve("missing"), null, 0));
        assertTrue(e.getMessage().contains("missing: no such table or directory"), e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(BadInputException.class, () -> open(empty, null, 0));
        assertTrue(e.getMessage().contains("neither a caption table (no table.json) nor a cs231n COCO directory "
                + "(no coco2014_captions.h5)"), e.getMessage());

        e = assertThrows(BadInputException.class, () -> open(synthTable, 0, 0));
        assertTrue(e.getMessage().contains("a training subset of 0 captions: expected at least 1"), e.getMessage());

        e = assertThrows(BadInputException.class,
                () -> TrainingData.open(spark, synthTable.toString(), FeatureKind.FC7, null, 0));
        assertTrue(e.getMessage().contains("the table holds pca features; expected fc7"), e.getMessage());

        try (TrainingData d = open(fixtureTable, null, 0)) {
            e = assertThrows(BadInputException.class, () -> d.shards("test", 2));
            assertTrue(e.getMessage().contains("has no 'test' split"), e.getMessage());
        }
    }

    @Test
    void aWordIndexOutsideTheVocabularyIsReportedFromTheExecutors() throws Exception {
        // A table written from data whose vocabulary is smaller than its word indices.
        Cs231nData good = Cs231nReader.read(fixtureDir.toString(), null, FeatureKind.PCA, null, 0);
        captioner.model.Vocabulary small = new captioner.model.Vocabulary(
                List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "dog"), "test");
        Cs231nData bad = new Cs231nData("bad", FeatureKind.PCA, small,
                java.util.Map.of("train", good.train()));
        Path out = tmp.resolve("bad-table");
        new TableWriter(spark).write(bad, out.toString(), false);
        try (TrainingData d = open(out, null, 0)) {
            BadInputException e = assertThrows(BadInputException.class, () -> d.shards("train", 2));
            assertTrue(e.getMessage().matches(".*bad-table/train: image_idx \\d, caption row \\d has word index 7; "
                    + "expected \\[0, 7\\) for the 7 words of vocab.json"), e.getMessage());
        }
    }
}
