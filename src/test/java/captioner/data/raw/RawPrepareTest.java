package captioner.data.raw;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.VocabularyJson;
import captioner.model.Vocabulary;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Caption text and Parquet features joined into splits: vocabulary, encoding, and every dropped row counted. */
class RawPrepareTest {
    @TempDir
    Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = TestSpark.session();
    }

    private RawPrepare.Sources sources(Path train, Path features, Path val, String vocab, int maxWords, int minCount,
                                       boolean strict) {
        return new RawPrepare.Sources(train.toString(), val == null ? null : val.toString(), features.toString(), null,
                "image_id", "caption", "features", vocab, maxWords, minCount, strict);
    }

    @Test
    void tokenizerLowerCasesDeletesApostrophesAndSplitsOnEverythingElse() {
        assertEquals(List.of("a", "mans", "t", "shirt", "3", "5", "café"),
                CaptionTokenizer.words("  A MAN'S t-shirt,\t3.5\u2019 (Café)!! "));
        assertEquals(List.of(), CaptionTokenizer.words("!!! ... --"));
    }

    @Test
    void cocoCaptionsBecomeAVocabularyAndEncodedCaptionsWithEveryProblemCounted() throws IOException {
        Path features = RawFixtures.features(spark, tmp, "f", 5, 2, 3, 1, 10);
        RawPrepare.Prepared p = RawPrepare.read(spark, sources(RawFixtures.trainCaptions(tmp), features,
                RawFixtures.valCaptions(tmp), null, 1000, 1, false));

        Vocabulary v = p.data().vocab();
        // Most frequent first (very ×14, a ×7), ties (dog, horse: 2; the rest: 1) in word order.
        assertEquals(List.of("<NULL>", "<START>", "<END>", "<UNK>", "very", "a", "dog", "horse", "about", "caption",
                "couch", "long", "man", "mans", "on", "riding", "running"), v.words());
        assertEquals(FeatureKind.EXTERNAL, p.data().featureKind());

        CaptionSplit train = p.data().train();
        // Images in the feature table's order, only those with a caption: 2, then 1.
        assertEquals(2, train.numImages());
        assertArrayEquals(new float[] {2, 2.5f, -2, 1, 1.5f, -1}, train.features());
        assertArrayEquals(new String[] {"http://f/2.jpg", "http://x/1.jpg"}, train.urls());
        // Captions in the file's order; the long one cut to 15 words and <END>.
        assertArrayEquals(new int[] {1, 0, 1, 0}, train.imageIdxs());
        assertEquals("a man riding a horse", v.decode(train.caption(0), 0, 17));
        assertEquals("a dog on a couch", v.decode(train.caption(1), 0, 17));
        assertEquals("a mans horse running", v.decode(train.caption(2), 0, 17));
        int[] cut = train.caption(3);
        assertEquals(v.startIdx(), cut[0]);
        assertEquals(v.index("a"), cut[1]);
        for (int t = 2; t < 16; t++) {
            assertEquals(v.index("very"), cut[t]);
        }
        assertEquals(v.endIdx(), cut[16]);
        int[] shortOne = train.caption(1);
        assertArrayEquals(new int[] {1, 5, 6, 14, 5, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, shortOne);

        SplitReport t = p.reports().get(0);
        assertEquals(1, t.duplicateIds().count());
        assertEquals("2", t.duplicateIds().firstId());
        assertEquals(1, t.captionsWithoutFeatures().count());
        assertEquals("4", t.captionsWithoutFeatures().firstId());
        assertEquals(1, t.emptyCaptions().count());
        assertEquals("3", t.emptyCaptions().firstId());
        assertEquals(1, t.cutCaptions().count());
        assertEquals("2", t.cutCaptions().firstId());
        assertEquals(0, t.unknownWords());

        // Val shares the training feature table: the features no split took (5, 3) are reported once, under val.
        SplitReport val = p.reports().get(1);
        assertEquals(1, p.data().val().numImages());
        assertEquals(0, val.captionsWithoutFeatures().count());
        assertEquals(1, val.unknownWords());
        assertEquals(2, val.featuresWithoutCaptions().count());
        assertEquals("5", val.featuresWithoutCaptions().firstId());
        assertTrue(p.describe().contains("train: 2 images, 4 captions kept, 0 words as <UNK>; 1 duplicate image ids"),
                p.describe());
    }

    @Test
    void vocabularyOptionsAndAReusedVocabularyWithUnknownWords() throws IOException {
        Path train = RawFixtures.trainCaptions(tmp);
        Path features = RawFixtures.features(spark, tmp, "f", 1, 2, 3, 10);
        assertEquals(List.of("<NULL>", "<START>", "<END>", "<UNK>", "very", "a", "dog", "horse"),
                RawPrepare.read(spark, sources(train, features, null, null, 1000, 2, false)).data().vocab().words());
        Vocabulary six = RawPrepare.read(spark, sources(train, features, null, null, 6, 1, false)).data().vocab();
        assertEquals(List.of("very", "a", "dog", "horse", "about", "caption"), six.words().subList(4, 10));

        Path vocabFile = tmp.resolve("vocab.json");
        try (OutputStream o = Files.newOutputStream(vocabFile)) {
            VocabularyJson.write(six, o);
        }
        RawPrepare.Prepared p = RawPrepare.read(spark, new RawPrepare.Sources(train.toString(),
                RawFixtures.valCaptions(tmp).toString(), features.toString(), null, "image_id", "caption",
                "features", vocabFile.toString(), 1000, 1, false));
        assertEquals(six.words(), p.data().vocab().words());
        assertTrue(p.vocabularyReused());
        // "a horse on a beach": on and beach are not among the six words.
        assertEquals("a horse <UNK> a <UNK>", six.decode(p.data().val().caption(0), 0, 17));
        assertEquals(2, p.reports().get(1).unknownWords());
    }

    @Test
    void strictRefusesTheFirstProblemNamingItsImage() throws IOException {
        Path features = RawFixtures.features(spark, tmp, "f", 1, 2, 3);
        BadInputException e = assertThrows(BadInputException.class, () -> RawPrepare.read(spark,
                sources(RawFixtures.trainCaptions(tmp), features, null, null, 1000, 1, true)));
        assertEquals("train: 1 duplicate image ids (first kept), the first image 2; expected none (strict)",
                e.getMessage());
    }

    @Test
    void captionTablesAndVectorFeaturesWork() throws IOException {
        Path csv = Files.writeString(tmp.resolve("captions.csv"), "image_id,caption\n7,\"A red bus.\"\n8,a bus\n"
                + "7,\"the RED, red bus\"\n");
        Path vectors = RawFixtures.vectorFeatures(spark, tmp, "v", 8, 7);
        RawPrepare.Prepared p = RawPrepare.read(spark, new RawPrepare.Sources(csv.toString(), null,
                vectors.toString(), null, "image_id", "caption", "vec", null, 1000, 1, true));
        CaptionSplit train = p.data().train();
        assertEquals(List.of("bus", "red", "a", "the"), p.data().vocab().words().subList(4, 8));
        assertArrayEquals(new float[] {8, 8.5f, -8, 7, 7.5f, -7}, train.features());
        assertArrayEquals(new int[] {1, 0, 1}, train.imageIdxs());
        assertNull(train.urls());
        assertEquals("the red red bus", p.data().vocab().decode(train.caption(2), 0, 17));
    }

    @Test
    void badFeatureRowsAndColumnsAreNamed() throws IOException {
        Path train = RawFixtures.trainCaptions(tmp);
        Path features = RawFixtures.features(spark, tmp, "f", 1, 2);
        BadInputException e = assertThrows(BadInputException.class, () -> RawPrepare.read(spark,
                new RawPrepare.Sources(train.toString(), null, features.toString(), null, "image_id", "caption",
                        "vec", null, 1000, 1, false)));
        assertTrue(e.getMessage().contains("no column 'vec'; the columns are [image_id, features]"), e.getMessage());
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        rows.add(org.apache.spark.sql.RowFactory.create(1L, List.of(1.0, 2.0)));
        rows.add(org.apache.spark.sql.RowFactory.create(2L, List.of(1.0, Double.NaN)));
        Path bad = tmp.resolve("bad");
        spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("image_id", "long")
                .add("features", "array<double>")).coalesce(1).write().parquet(bad.toString());
        e = assertThrows(BadInputException.class, () -> RawPrepare.read(spark, sources(train, bad, null, null, 1000,
                1, false)));
        assertTrue(e.getMessage().endsWith("image 2: feature 1 is NaN; expected finite values"), e.getMessage());
    }
}
