package captioner.data.classify;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.data.FeatureKind;
import captioner.data.TestDatasets;
import captioner.data.table.TableWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Parquet sentence table written and read on Spark (local mode), and the messages for bad tables and rows. */
class SentenceTableTest {
    @TempDir
    Path tmp;

    static SparkSession spark;
    static String seedDir;

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.session();
        seedDir = SeedFilesTest.resource("seed").toString();
    }

    private static SentenceData seed() {
        return SentenceData.open(seedDir, spark);
    }

    private Path write(SentenceData data, String name) {
        Path out = tmp.resolve(name);
        new SentenceTableWriter(spark).write(data, null, Map.of(), null, 0, out.toString(), false);
        return out;
    }

    private static void assertSame(SentenceData expected, SentenceData actual) {
        assertEquals(expected.words(), actual.words());
        assertEquals(expected.splits().keySet(), actual.splits().keySet());
        for (String split : expected.splits().keySet()) {
            SentenceSplit e = expected.split(split);
            SentenceSplit a = actual.split(split);
            assertEquals(e.length(), a.length(), split);
            assertArrayEquals(e.tokens(), a.tokens(), split);
            assertArrayEquals(e.labels(), a.labels(), split);
        }
    }

    @Test
    void aTableReadsBackAsTheSeedsFolder() throws Exception {
        Path table = write(seed(), "table");
        assertSame(seed(), SentenceData.open(table.toString(), spark));
        assertSame(seed(), SentenceData.open(table.toUri().toString(), spark));
        JsonNode meta = new ObjectMapper().readTree(table.resolve("table.json").toFile());
        assertEquals("spark-captioner sentence table", meta.get("format").asText());
        assertEquals(5, meta.get("sentence_length").asInt());
        assertEquals(List.of("<PAD>", "<CLS>", "<UNK>", "the", "dog", "a,b"),
                new ObjectMapper().convertValue(meta.get("words"), List.class));
        assertEquals(4, meta.at("/splits/train/sentences").asInt());
        assertEquals(3, meta.at("/splits/val/sentences").asInt());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(table), files.toList(), "nothing but the table is left beside it");
        }
    }

    /** More sentences than Spark puts in one partition, in several files whose read order Spark chooses. */
    @Test
    void theSplitsOrderIsTheSentenceIndexNotTheFileOrder() {
        int n = 500;
        int t = 4;
        int[] tokens = new int[n * t];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                tokens[i * t + j] = (i * 7 + j * 3) % 6;
            }
            labels[i] = i % 3 == 0 ? 0 : 1;
        }
        SentenceSplit train = new SentenceSplit(SentenceData.TRAIN, t, tokens, labels);
        SentenceData data = new SentenceData("made here", seed().words(), Map.of(SentenceData.TRAIN, train));
        Path table = tmp.resolve("many");
        spark.createDataFrame(java.util.stream.IntStream.range(0, n).mapToObj(i -> RowFactory.create(n - 1 - i,
                        Arrays.stream(tokens, (n - 1 - i) * t, (n - i) * t).boxed().toList(), labels[n - 1 - i]))
                .toList(), SentenceTableSchema.SCHEMA).repartition(5).write()
                .parquet(table.resolve("train").toString());
        write(data, "model");
        copyMetadata(tmp.resolve("model"), table);
        assertSame(data, SentenceData.open(table.toString(), spark));
    }

    @Test
    void anExistingTableIsReplacedOnlyWhenAskedTo() {
        Path table = write(seed(), "table");
        BadInputException e = assertThrows(BadInputException.class, () -> write(seed(), "table"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        new SentenceTableWriter(spark).write(seed(), null, Map.of(), null, 0, table.toString(), true);
        assertSame(seed(), SentenceData.open(table.toString(), spark));
    }

    private static void copyMetadata(Path from, Path to) {
        try {
            Files.createDirectories(to);
            Files.copy(from.resolve("table.json"), to.resolve("table.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final StructType NULLABLE = new StructType()
            .add(SentenceTableSchema.SENTENCE_IDX, DataTypes.IntegerType, true)
            .add(SentenceTableSchema.TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, true), true)
            .add(SentenceTableSchema.LABEL, DataTypes.IntegerType, true);

    /** The seed's table with its training split replaced by {@code rows}; the message reading it gives. */
    private String readWithTrain(Row... rows) {
        Path table = tmp.resolve("bad");
        if (!Files.exists(table)) {
            write(seed(), "bad");
        }
        spark.createDataFrame(List.of(rows), NULLABLE).write().mode(SaveMode.Overwrite)
                .parquet(table.resolve("train").toString());
        return assertThrows(BadInputException.class, () -> SentenceData.open(table.toString(), spark)).getMessage();
    }

    private static Row row(Integer idx, List<Integer> tokens, Integer label) {
        return RowFactory.create(idx, tokens, label);
    }

    private static final List<Integer> GOOD = List.of(1, 3, 4, 0, 0);

    @Test
    void badRowsGetTheSeedFilesMessagesNamingTableSplitAndRow() {
        String train = tmp.resolve("bad").resolve("train").toString();
        assertEquals(train + ": row 2 holds label 2; expected 0 (unacceptable) or 1 (acceptable)",
                readWithTrain(row(0, GOOD, 1), row(1, GOOD, 0), row(2, GOOD, 2), row(3, GOOD, 1)));
        assertEquals(train + ": row 1, column 3 holds 6; expected a word index in [0, 6) (table.json has 6 words)",
                readWithTrain(row(0, GOOD, 1), row(1, List.of(1, 3, 4, 6, 0), 0), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": row 3 has 4 tokens; expected 5 (sentence_length of table.json)",
                readWithTrain(row(0, GOOD, 1), row(1, GOOD, 0), row(2, GOOD, 1), row(3, List.of(1, 3, 0, 0), 1)));
        assertEquals(train + ": row 0 has null tokens; expected 5 word indices",
                readWithTrain(row(0, null, 1), row(1, GOOD, 0), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": row 0, column 1 is null; expected a word index in [0, 6)",
                readWithTrain(row(0, Arrays.asList(1, null, 0, 0, 0), 1), row(1, GOOD, 0), row(2, GOOD, 1),
                        row(3, GOOD, 1)));
        assertEquals(train + ": row 1 has a null label; expected 0 (unacceptable) or 1 (acceptable)",
                readWithTrain(row(0, GOOD, 1), row(1, GOOD, null), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": a row has a null sentence_idx; expected the sentence's row in the split",
                readWithTrain(row(0, GOOD, 1), row(null, GOOD, 0), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": sentence_idx 4 is outside [0, 4); expected the sentence counts of table.json",
                readWithTrain(row(0, GOOD, 1), row(4, GOOD, 0), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": sentence_idx 2 occurs twice; expected one row per sentence",
                readWithTrain(row(0, GOOD, 1), row(2, GOOD, 0), row(2, GOOD, 1), row(3, GOOD, 1)));
        assertEquals(train + ": has 3 rows but table.json says 4 sentences; expected one row per sentence",
                readWithTrain(row(0, GOOD, 1), row(1, GOOD, 0), row(2, GOOD, 1)));
    }

    @Test
    void aColumnOfAnotherTypeIsNamed() {
        Path table = write(seed(), "typed");
        spark.createDataFrame(List.of(RowFactory.create(0, "1 3 4 0 0", 1)), new StructType()
                        .add("sentence_idx", DataTypes.IntegerType).add("tokens", DataTypes.StringType)
                        .add("label", DataTypes.IntegerType))
                .write().mode(SaveMode.Overwrite).parquet(table.resolve("train").toString());
        BadInputException e = assertThrows(BadInputException.class,
                () -> SentenceData.open(table.toString(), spark));
        assertEquals(table.resolve("train") + ": column 'tokens' has type string; expected columns sentence_idx int, "
                + "tokens array<int>, label int", e.getMessage());
    }

    @Test
    void aFolderThatIsNeitherSaysWhatWasExpected() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        BadInputException e = assertThrows(BadInputException.class, () -> SentenceData.open(empty.toString(), spark));
        assertTrue(e.getMessage().startsWith(empty + ": holds neither word_to_ix.csv nor table.json; expected the "
                + "seed's folder (word_to_ix.csv, train_inxs.npy, train_labels.npy, …) or a sentence table"),
                e.getMessage());
        Path captions = tmp.resolve("captions");
        new TableWriter(spark).prepare(TestDatasets.fixture(tmp.resolve("fixture")).toString(), captions.toString(),
                FeatureKind.PCA, null, 0, false);
        e = assertThrows(BadInputException.class, () -> SentenceData.open(captions.toString(), spark));
        assertTrue(e.getMessage().startsWith(captions + ": is a caption table; expected a sentence table"),
                e.getMessage());
        Path table = write(seed(), "versioned");
        Files.writeString(table.resolve("table.json"), Files.readString(table.resolve("table.json"))
                .replace("\"format_version\" : 1", "\"format_version\" : 7"));
        e = assertThrows(BadInputException.class, () -> SentenceData.open(table.toString(), spark));
        // The caption table's wording: one check of the format version for every table (TableJson).
        assertTrue(e.getMessage().contains(table.resolve("table.json") + ": the table has format version 7 but this "
                + "build reads version 1"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(run 'captioner prepare --task classify' again to rewrite it)"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
