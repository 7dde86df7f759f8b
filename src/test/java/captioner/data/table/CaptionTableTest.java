package captioner.data.table;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.TestDatasets;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.cs231n.Fixture;
import captioner.io.Location;
import captioner.io.OtherSchemeFileSystem;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing and reading the Parquet caption table, in Spark local mode. */
class CaptionTableTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    static SparkSession spark;
    /** 40 synthetic images (captions listed image by image). */
    static Path synth;
    /** The small fixture: captions not in image order, ids of 3 and 2 images. */
    static Path fixture;

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.session();
        synth = TestDatasets.synthetic(shared);
        fixture = TestDatasets.fixture(shared);
    }

    private static Cs231nData readDir(Path dir) {
        return Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0);
    }

    private static TableWriter.Summary prepare(Path data, Path out, boolean overwrite) {
        return new TableWriter(spark).prepare(data.toString(), out.toString(), FeatureKind.PCA, null, 0, overwrite);
    }

    static void assertSameData(Cs231nData expected, Cs231nData actual) {
        assertEquals(expected.vocab().words(), actual.vocab().words(), "vocabulary");
        assertEquals(expected.splitNames(), actual.splitNames());
        for (String name : expected.splitNames()) {
            CaptionSplit a = expected.split(name);
            CaptionSplit b = actual.split(name);
            assertArrayEquals(a.captions(), b.captions(), name + " captions");
            assertArrayEquals(a.imageIdxs(), b.imageIdxs(), name + " image indices");
            assertArrayEquals(a.features(), b.features(), name + " features");
            assertEquals(a.featureDim(), b.featureDim());
            assertEquals(a.captionLength(), b.captionLength());
            assertArrayEquals(a.urls(), b.urls(), name + " urls");
        }
    }

    @Test
    void prepareThenReadRoundTripsEverythingExactly() {
        Path out = tmp.resolve("t");
        TableWriter.Summary s = prepare(synth, out, false);
        assertTrue(s.describe().matches("prepared .*: train 40 images, 200 captions; val 20 images, 100 captions "
                + "\\(pca features × 512\\); [0-9.]+ MB in [0-9.]+ s"), s.describe());
        assertTrue(s.bytes() > 40 * 512 * 4, "features are stored: " + s.bytes());
        assertSameData(readDir(synth), TableReadBack.read(spark, out.toString()));

        TableMetadata meta = TableReader.open(Location.of(out.toString(), spark.sparkContext().hadoopConfiguration())).metadata();
        assertEquals(1, meta.formatVersion());
        assertEquals(17, meta.captionLength());
        assertEquals(512, meta.featureDim());
        assertEquals(FeatureKind.PCA, meta.featureKind());
        assertEquals(synth.toString(), meta.source());
        assertNull(meta.maxTrain());
        assertEquals(new TableMetadata.SplitInfo(40, 200, true), meta.splits().get("train"));
        assertEquals(new TableMetadata.SplitInfo(20, 100, true), meta.splits().get("val"));
        assertTrue(Files.exists(out.resolve("vocab.json")));
    }

    @Test
    void oneRowPerImageWithTheDocumentedSchema() {
        Path out = tmp.resolve("t");
        prepare(fixture, out, false);
        var df = spark.read().parquet(out.resolve("train").toString());
        assertEquals(3, df.count(), "one row per image");
        StructType schema = df.schema();
        assertEquals("int", schema.apply("image_idx").dataType().simpleString());
        assertEquals("array<float>", schema.apply("features").dataType().simpleString());
        assertEquals("array<int>", schema.apply("caption_rows").dataType().simpleString());
        assertEquals("array<int>", schema.apply("captions").dataType().simpleString());
        assertEquals("string", schema.apply("url").dataType().simpleString());
        // Image 0 has captions 0 and 2 (train_image_idxs {0, 1, 0, 2, 1, 2}).
        var row = df.filter("image_idx = 0").select("caption_rows", "captions").first();
        assertEquals(List.of(0, 2), row.getList(0));
        assertEquals(List.of(1, 4, 5, 2, 0, 1, 5, 7, 2, 0), row.getList(1));
    }

    @Test
    void captionsOutOfImageOrderRoundTripToo() {
        Path out = tmp.resolve("t");
        prepare(fixture, out, false);
        assertSameData(readDir(fixture), TableReadBack.read(spark, out.toString()));
    }

    @Test
    void maxTrainAtPrepareKeepsTheSameSubsetAsTheReader() {
        Path out = tmp.resolve("t");
        new TableWriter(spark).prepare(synth.toString(), out.toString(), FeatureKind.PCA, 37, 9, false);
        Cs231nData expected = Cs231nReader.read(synth.toString(), null, FeatureKind.PCA, 37, 9);
        assertSameData(expected, TableReadBack.read(spark, out.toString()));
        TableMetadata meta = TableReader.open(Location.of(out.toString(), spark.sparkContext().hadoopConfiguration())).metadata();
        assertEquals(37, meta.maxTrain());
        assertEquals(9, meta.seed());
        assertEquals(37, meta.splits().get("train").captions());
        assertEquals(40, meta.splits().get("train").images(), "every image is kept");
    }

    @Test
    void worksOnAnyHadoopFileSystem() {
        spark.sparkContext().hadoopConfiguration().set("fs." + OtherSchemeFileSystem.SCHEME + ".impl",
                OtherSchemeFileSystem.class.getName());
        String out = OtherSchemeFileSystem.SCHEME + "://" + tmp.resolve("t").toAbsolutePath();
        new TableWriter(spark).prepare(fixture.toString(), out, FeatureKind.PCA, null, 0, false);
        assertTrue(Files.exists(tmp.resolve("t").resolve("table.json")));
        assertSameData(readDir(fixture), TableReadBack.read(spark, out));
        assertTrue(TableReader.open(Location.of(tmp.resolve("t").toUri().toString(),
                spark.sparkContext().hadoopConfiguration())).metadata().splits().containsKey("train"), "file: URI");
    }

    // --- atomic writes ---

    @Test
    void refusesAnExistingTableWithoutOverwriteAndReplacesItWith() throws Exception {
        Path out = tmp.resolve("t");
        prepare(fixture, out, false);
        BadInputException e = assertThrows(BadInputException.class, () -> prepare(synth, out, false));
        assertTrue(e.getMessage().contains(out + ": already exists") && e.getMessage().contains("--overwrite"),
                e.getMessage());
        assertSameData(readDir(fixture), TableReadBack.read(spark, out.toString()));

        prepare(synth, out, true);
        assertSameData(readDir(synth), TableReadBack.read(spark, out.toString()));
        assertEquals(List.of("t"), siblings(), "no temporary or old folder is left");
    }

    @Test
    void overwriteOnlyReplacesACaptionTableOrAnEmptyFolder() throws Exception {
        Path notATable = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(notATable.resolve("notes.txt"), "precious", StandardCharsets.UTF_8);
        BadInputException e = assertThrows(BadInputException.class, () -> prepare(fixture, notATable, true));
        assertTrue(e.getMessage().contains("is not a caption table"), e.getMessage());
        assertTrue(Files.exists(notATable.resolve("notes.txt")));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        prepare(fixture, empty, true);
        assertTrue(Files.exists(empty.resolve("table.json")));
    }

    @Test
    void aFailureWhileWritingLeavesThePreviousTableIntact() throws Exception {
        Path out = tmp.resolve("t");
        prepare(fixture, out, false);
        String before = Files.readString(out.resolve("table.json"));
        for (String step : List.of("written:train", "written:val", "metadata", "commit")) {
            TableWriter failing = new TableWriter(spark, s -> {
                if (s.equals(step)) {
                    throw new IllegalStateException("injected failure at " + s);
                }
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> failing.prepare(
                    synth.toString(), out.toString(), FeatureKind.PCA, null, 0, true));
            assertEquals("injected failure at " + step, e.getMessage());
            assertEquals(before, Files.readString(out.resolve("table.json")), step);
            assertEquals(List.of("t"), siblings(), "the temporary folder is removed after a failure at " + step);
        }
        assertSameData(readDir(fixture), TableReadBack.read(spark, out.toString()));
        Path fresh = tmp.resolve("fresh");
        TableWriter failing = new TableWriter(spark, s -> {
            throw new IllegalStateException("injected");
        });
        assertThrows(IllegalStateException.class, () -> failing.prepare(fixture.toString(), fresh.toString(),
                FeatureKind.PCA, null, 0, false));
        assertFalse(Files.exists(fresh), "no partial table where there was none");
    }

    /** Prepares the fixture as table {@code out}, edits its table.json and returns why reading it then fails. */
    private BadInputException readAfterEdit(Path out, String from, String to) throws Exception {
        prepare(fixture, out, false);
        edit(out.resolve("table.json"), from, to);
        return assertThrows(BadInputException.class, () -> TableReadBack.read(spark, out.toString()));
    }

    /** Replaces a table file by hand, dropping Hadoop's checksum file beside it. */
    private static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " holds " + from);
        Files.writeString(file, text.replace(from, to));
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    private List<String> siblings() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // --- bad input ---

    @Test
    void anotherFormatVersionIsRefused() throws Exception {
        Path out = tmp.resolve("t");
        Path meta = out.resolve("table.json");
        BadInputException e = readAfterEdit(out, "\"format_version\" : 1", "\"format_version\" : 2");
        assertTrue(e.getMessage().contains(meta + ": the table has format version 2 but this build reads version 1"),
                e.getMessage());
    }

    @Test
    void vocabularyOrFeatureWidthThatDisagreesWithTheMetadataIsRefused() throws Exception {
        Path out = tmp.resolve("t");
        Path meta = out.resolve("table.json");
        BadInputException e = readAfterEdit(out, "\"vocab_size\" : 8", "\"vocab_size\" : 9");
        assertTrue(e.getMessage().contains("vocab.json: has 8 words but") && e.getMessage().contains("vocab_size 9"),
                e.getMessage());

        edit(meta, "\"vocab_size\" : 9", "\"vocab_size\" : 8");
        edit(meta, "\"feature_dim\" : 4", "\"feature_dim\" : 5");
        e = assertThrows(BadInputException.class, () -> TableReadBack.read(spark, out.toString()));
        assertTrue(e.getMessage().matches(".*/train: image_idx \\d has 4 features; expected 5 .*"), e.getMessage());
    }

    @Test
    void splitsOfDifferentFeatureWidthsAreRefusedAtPrepare() throws Exception {
        Fixture f = new Fixture();
        f.features.put("val", new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
        Path dir = f.write(tmp.resolve("d"));
        Path out = tmp.resolve("t");
        BadInputException e = assertThrows(BadInputException.class, () -> prepare(dir, out, false));
        assertTrue(e.getMessage().contains("val2014_vgg16_fc7_pca.h5: 3 features per image but ")
                && e.getMessage().contains("train2014_vgg16_fc7_pca.h5 has 4"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void maxTrainBelowOneAndMissingInputAreBadInput() {
        Path out = tmp.resolve("t");
        BadInputException e = assertThrows(BadInputException.class, () -> new TableWriter(spark).prepare(
                fixture.toString(), out.toString(), FeatureKind.PCA, 0, 0, false));
        assertTrue(e.getMessage().contains("a training subset of 0 captions: expected at least 1"), e.getMessage());
        assertFalse(Files.exists(out));
        e = assertThrows(BadInputException.class, () -> TableReadBack.read(spark, tmp.resolve("none").toString()));
        assertTrue(e.getMessage().contains("no such table"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> TableReadBack.read(spark, fixture.toString()));
        assertTrue(e.getMessage().contains("not a caption table (no table.json)"), e.getMessage());
    }
}
