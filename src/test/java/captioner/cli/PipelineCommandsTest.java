package captioner.cli;

import captioner.TestSpark;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import captioner.data.raw.RawFixtures;
import captioner.data.RowCount;
import captioner.data.table.TableMetadata;
import captioner.data.table.TableReader;
import captioner.data.VocabularyJson;
import captioner.io.Location;
import captioner.ml.CaptionerModel;
import captioner.model.Vocabulary;
import captioner.data.synthetic.SyntheticDataset;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline commands as a nightly job runs them: prepare from raw captions, caption new images, the gate. */
class PipelineCommandsTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    static SparkSession spark;
    static String table;
    static String model;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void trainATinyModel() throws IOException {
        spark = TestSpark.session();
        SyntheticDataset.write(shared.resolve("data"), 24, 5);
        table = shared.resolve("table").toString();
        ok("prepare", "--data", shared.resolve("data").toString(), "--out", table);
        Object[] r = MainTest.run("train", "--data", table, "--out", shared.resolve("run").toString(), "--iterations",
                "20", "--hidden", "16", "--wordvec", "8", "--batch-size", "40", "--learning-rate", "0.03",
                "--partitions", "2", "--print-every", "10");
        assertEquals(0, r[0], (String) r[2]);
        model = shared.resolve("run/model.h5").toString();
    }

    private static Object[] ok(String... args) {
        Object[] r = MainTest.run(args);
        assertEquals(0, r[0], "exit status of " + String.join(" ", args) + "\n" + r[2]);
        return r;
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** sample's captions of the val split, by image_idx. */
    private Map<Long, String> sampled(String... decoder) throws IOException {
        Path s = tmp.resolve("sample-" + decoder.length + ".jsonl");
        List<String> args = new ArrayList<>(List.of("sample", "--checkpoint", model, "--data", table, "--split", "val",
                "--all", "--out", s.toString()));
        args.addAll(Arrays.asList(decoder));
        ok(args.toArray(String[]::new));
        Map<Long, String> byImage = new HashMap<>();
        for (JsonNode n : lines(s)) {
            byImage.put(n.get("image_idx").asLong(), n.get("generated").asText());
        }
        return byImage;
    }

    /** The val images' features under their image_idx as id, one image outside every split, and five bad rows. */
    private Path newImages() {
        Dataset<Row> val = spark.read().parquet(table + "/val");
        List<Row> rows = new ArrayList<>(val.select(col("image_idx").cast("long").as("image_id"),
                col("features")).collectAsList());
        float[] first = new float[512];
        for (int i = 0; i < 512; i++) {
            first[i] = (float) Math.sin(i);
        }
        List<Float> outside = new ArrayList<>();
        for (float f : first) {
            outside.add(f);
        }
        List<Float> nan = new ArrayList<>(outside);
        nan.set(7, Float.NaN);
        List<Float> inf = new ArrayList<>(outside);
        inf.set(0, Float.POSITIVE_INFINITY);
        rows.add(RowFactory.create(1000L, outside));
        rows.add(RowFactory.create(1001L, outside.subList(0, 100)));
        rows.add(RowFactory.create(1002L, nan));
        rows.add(RowFactory.create(1003L, inf));
        rows.add(RowFactory.create(null, outside));
        rows.add(RowFactory.create(1005L, null));
        StructType schema = new StructType().add("image_id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        Path input = tmp.resolve("new-images");
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(input.toString());
        return input;
    }

    @Test
    void captionGivesSamplesCaptionsAndRefusesOrSetsAsideBadRows() throws IOException {
        Path input = newImages();
        Path out = tmp.resolve("captions.parquet");
        Object[] r = MainTest.run("caption", "--model", model, "--input", input.toString(), "--out", out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r[0], (String) r[2]);
        // The first bad row in the input's order (after repartition), named by its position and id.
        assertTrue(((String) r[2]).matches("(?s).*error: --input .*new-images: row \\d+ \\(id \\w+\\): .*; 5 bad "
                + "rows in all; expected valid rows for a model of feature width 512, or --skip-invalid.*"), (String) r[2]);
        assertFalse(Files.exists(out), "nothing written for a refused run");

        r = ok("caption", "--model", model, "--input", input.toString(), "--out", out.toString(), "--skip-invalid");
        assertTrue(((String) r[1]).startsWith("captioned 13 images (greedy) to "), (String) r[1]);
        assertTrue(((String) r[1]).contains("; 5 invalid rows to " + out + ".rejected.jsonl"), (String) r[1]);
        Map<Long, String> greedy = sampled();
        List<Row> captioned = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(13, captioned.size());
        for (Row row : captioned) {
            long id = row.getLong(0);
            if (id != 1000) {
                assertEquals(greedy.get(id), row.getString(1), "image " + id);
            }
            assertTrue(row.getDouble(2) < 0, "log-probability of image " + id);
        }
        List<JsonNode> rejected = lines(Path.of(out + ".rejected.jsonl"));
        Map<String, String> reasons = new HashMap<>();
        for (JsonNode n : rejected) {
            reasons.put(n.get("id").isNull() ? "null" : n.get("id").asText(), n.get("reason").asText());
        }
        assertEquals(Map.of("1001", "100 feature values; expected 512",
                "1002", "feature 7 is NaN; expected finite values",
                "1003", "feature 0 is Infinity; expected finite values",
                "null", "the id is null",
                "1005", "features are null"), reasons);

        // Beam search to JSON lines, in input order, equal to sample's beam captions.
        Path jsonl = tmp.resolve("beam.jsonl");
        ok("caption", "--model", model, "--input", input.toString(), "--out", jsonl.toString(), "--skip-invalid",
                "--beam-size", "2", "--rejected", tmp.resolve("bad.jsonl").toString());
        Map<Long, String> beam = sampled("--beam-size", "2");
        List<JsonNode> lines = lines(jsonl);
        assertEquals(13, lines.size());
        for (JsonNode n : lines) {
            if (n.get("image_id").asLong() != 1000) {
                assertEquals(beam.get(n.get("image_id").asLong()), n.get("caption").asText());
            }
        }
        assertEquals(5, lines(tmp.resolve("bad.jsonl")).size());
        r = MainTest.run("caption", "--model", model, "--input", input.toString(), "--out", jsonl.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("already exists; expected a new path, or --overwrite"), (String) r[2]);
    }

    @Test
    void prepareFromCocoAnnotationsWritesATableThatTrains() throws IOException {
        Path features = RawFixtures.features(spark, tmp, "features", 1, 2, 3, 10);
        Path out = tmp.resolve("coco-table");
        Object[] r = ok("prepare", "--train-captions", RawFixtures.trainCaptions(tmp).toString(), "--val-captions",
                RawFixtures.valCaptions(tmp).toString(), "--train-features", features.toString(), "--out",
                out.toString());
        String text = (String) r[1];
        assertTrue(text.startsWith("vocabulary: 17 words (built from the training captions)\n"
                + "train: 2 images, 4 captions kept, 0 words as <UNK>; 1 duplicate image ids (first kept) (first image 2)"
                + "; 1 captions of images without features (first image 4)"), text);
        assertTrue(text.contains("prepared " + out + ": train 2 images, 4 captions; val 1 images, 1 captions "
                + "(external features × 3)"), text);
        // The counts are in table.json, per split, for a pipeline to read.
        JsonNode splits = JSON.readTree(out.resolve("table.json").toFile()).get("splits");
        assertEquals(JSON.readTree("""
                {"duplicate_ids": {"count": 1, "first_id": "2"},
                 "captions_without_features": {"count": 1, "first_id": "4"},
                 "features_without_captions": {"count": 0, "first_id": null},
                 "empty_captions": {"count": 1, "first_id": "3"},
                 "cut_captions": {"count": 1, "first_id": "2"}, "unknown_words": 0}"""),
                splits.get("train").get("prepare"));
        assertEquals(JSON.readTree("""
                {"duplicate_ids": {"count": 0, "first_id": null},
                 "captions_without_features": {"count": 0, "first_id": null},
                 "features_without_captions": {"count": 1, "first_id": "3"},
                 "empty_captions": {"count": 0, "first_id": null},
                 "cut_captions": {"count": 0, "first_id": null}, "unknown_words": 1}"""),
                splits.get("val").get("prepare"));
        TableMetadata meta = TableReader.open(Location.of(out.toString(), spark.sparkContext().hadoopConfiguration()))
                .metadata();
        assertEquals(new RowCount<>(1, "3"), meta.splits().get("val").prepared().featuresWithoutCaptions());
        assertEquals(1, meta.splits().get("val").prepared().unknownWords());
        ok("train", "--data", out.toString(), "--out", tmp.resolve("run").toString(), "--iterations", "2",
                "--hidden", "4", "--wordvec", "4", "--batch-size", "2");

        r = MainTest.run("prepare", "--train-captions", RawFixtures.trainCaptions(tmp).toString(), "--train-features",
                features.toString(), "--out", tmp.resolve("strict").toString(), "--strict");
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("error: train: 1 duplicate image ids (first kept), the first image 2; "
                + "expected none (strict)"), (String) r[2]);
        assertFalse(Files.exists(tmp.resolve("strict")));
        r = MainTest.run("prepare", "--train-captions", "x.json", "--out", tmp.resolve("y").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("--train-captions needs --train-features PATH"), (String) r[2]);
    }

    @Test
    void captionReadsJsonLinesWithOtherColumnNamesAndSamplesAsSampleDoes() throws IOException {
        // The val images as JSON lines, their image_idx as the id: numbers become array<double> and long.
        StringBuilder lines = new StringBuilder();
        for (Row r : spark.read().parquet(table + "/val").select("image_idx", "features").collectAsList()) {
            // Each float as the double of its exact value, so reading it back as a double and rounding gives it.
            List<Double> x = r.<Float>getList(1).stream().map(Float::doubleValue).toList();
            lines.append(JSON.writeValueAsString(Map.of("key", r.getInt(0), "x", x))).append('\n');
        }
        Path input = Files.writeString(tmp.resolve("new.jsonl"), lines.toString());
        Path out = tmp.resolve("sampled.jsonl");
        ok("caption", "--model", model, "--input", input.toUri().toString(), "--id-col", "key", "--features-col", "x",
                "--out", out.toUri().toString(), "--temperature", "0.8", "--seed", "3", "--max-length", "4");
        Map<Long, String> sampled = sampled("--temperature", "0.8", "--seed", "3", "--max-length", "4");
        List<JsonNode> captioned = lines(out);
        assertEquals(sampled.size(), captioned.size());
        for (JsonNode n : captioned) {
            String caption = n.get("caption").asText();
            assertEquals(sampled.get(n.get("key").asLong()), caption, "image " + n.get("key"));
            assertTrue(caption.split(" ").length <= 4, caption);
        }
    }

    @Test
    void captionerModelTransformGivesSamplesCaptions() throws IOException {
        Dataset<Row> val = spark.read().parquet(table + "/val").select(col("image_idx").cast("long").as("image_id"),
                col("features"));
        CaptionerModel m = CaptionerModel.fromCheckpoint(model).setImageIdCol("image_id");
        Map<Long, String> greedy = sampled();
        Map<Long, String> drawn = sampled("--temperature", "0.8", "--seed", "3");
        List<Row> rows = m.transform(val).collectAsList();
        List<Row> sampledRows = m.copy(new ParamMap()).setTemperature(0.8).setSeed(3).transform(val).collectAsList();
        assertEquals(greedy.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).getLong(0);
            assertEquals(greedy.get(id), rows.get(i).getString(2), "image " + id);
            assertEquals(drawn.get(id), sampledRows.get(i).getString(2), "image " + id);
        }
    }

    @Test
    void prepareFromCsvAndJsonLinesCaptionTablesOnHadoopUrisReusingAVocabulary() throws IOException {
        // CSV captions and ML-vector features under other column names, every path a file: URI.
        Path csv = Files.writeString(tmp.resolve("captions.csv"), "image_id,text\n1,\"A dog, running.\"\n2,a cat\n"
                + "1,the DOG\n9,no features\n");
        Path vectors = RawFixtures.vectorFeatures(spark, tmp, "vectors", 1, 2, 3);
        Path first = tmp.resolve("first");
        ok("prepare", "--train-captions", csv.toUri().toString(), "--train-features", vectors.toUri().toString(),
                "--caption-col", "text", "--features-col", "vec", "--max-words", "3", "--out", first.toUri().toString());
        Vocabulary vocab;
        try (java.io.InputStream in = Files.newInputStream(first.resolve("vocab.json"))) {
            vocab = VocabularyJson.read(in, "vocab.json");
        }
        // a and dog ×2 (tied: in word order), then the first of the words seen once; image 9's words do not count.
        assertEquals(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog", "cat"), vocab.words());
        assertEquals(List.of("a dog <UNK>", "a cat", "<UNK> dog"), captions(first, vocab));
        JsonNode counts = JSON.readTree(first.resolve("table.json").toFile()).get("splits").get("train").get("prepare");
        assertEquals("{\"count\":1,\"first_id\":\"9\"}", counts.get("captions_without_features").toString());
        assertEquals("{\"count\":1,\"first_id\":\"3\"}", counts.get("features_without_captions").toString());
        assertEquals(2, counts.get("unknown_words").asInt());

        // The next day's captions as JSON lines, with yesterday's vocabulary.
        Path jsonl = Files.writeString(tmp.resolve("today.jsonl"), "{\"image_id\": 2, \"text\": \"A cat and a dog\"}\n"
                + "{\"image_id\": \"3\", \"text\": \"a bird\"}\n");
        Path today = tmp.resolve("today");
        ok("prepare", "--train-captions", jsonl.toString(), "--train-features", vectors.toString(), "--caption-col",
                "text", "--features-col", "vec", "--vocab", first.resolve("vocab.json").toString(), "--out",
                today.toString());
        assertEquals(Files.readString(first.resolve("vocab.json")), Files.readString(today.resolve("vocab.json")));
        assertEquals(List.of("a cat <UNK> a dog", "a <UNK>"), captions(today, vocab));
        counts = JSON.readTree(today.resolve("table.json").toFile()).get("splits").get("train").get("prepare");
        assertEquals("{\"count\":1,\"first_id\":\"1\"}", counts.get("features_without_captions").toString());
        assertEquals(2, counts.get("unknown_words").asInt());
    }

    /** A table's training captions in caption order, decoded. */
    private static List<String> captions(Path table, Vocabulary vocab) {
        Map<Integer, String> byRow = new java.util.TreeMap<>();
        for (Row r : spark.read().parquet(table.resolve("train").toString()).collectAsList()) {
            List<Integer> rows = r.getList(r.fieldIndex("caption_rows"));
            List<Integer> words = r.getList(r.fieldIndex("captions"));
            for (int k = 0; k < rows.size(); k++) {
                int[] caption = words.subList(k * 17, (k + 1) * 17).stream().mapToInt(Integer::intValue).toArray();
                byRow.put(rows.get(k), vocab.decode(caption, 0, 17));
            }
        }
        return new ArrayList<>(byRow.values());
    }

    @Test
    void evaluateWithABaselineExitsThreeWhenTheNewModelIsWorse() throws IOException {
        // A model that learnt nothing: the trained one's sizes and vocabulary, freshly initialised parameters.
        Checkpoint trained = Checkpoint.read(Path.of(model), model, DType.FLOAT32);
        Path untrained = tmp.resolve("untrained.h5");
        new Checkpoint(trained.model(), trained.vocab(), trained.model().initialParams(DType.FLOAT32,
                3), "adam", Map.of(), 0, 0, 1e-3, new double[0], 3, "{}").write(untrained);
        Path json = tmp.resolve("gate.json");
        Object[] r = MainTest.run("evaluate", "--checkpoint", untrained.toString(), "--baseline", model, "--data", table,
                "--metric", "loss", "--out", json.toString());
        assertEquals(EvaluateCommand.EXIT_WORSE, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("worse than the baseline"), (String) r[1]);
        JsonNode gate = JSON.readTree(json.toFile());
        assertEquals("loss", gate.get("metric").asText());
        assertFalse(gate.get("passed").asBoolean());
        double difference = gate.get("candidate").get("loss").asDouble() - gate.get("baseline").get("loss").asDouble();
        assertTrue(difference > 0, "the untrained model's loss is higher");
        assertEquals(difference, gate.get("difference").asDouble(), 1e-12);
        assertEquals(untrained.toString(), gate.get("candidate").get("checkpoint").asText().replace("--checkpoint ", ""));

        // The other way round it passes; and a model is at least as good as itself.
        r = MainTest.run("evaluate", "--checkpoint", model, "--baseline", untrained.toString(), "--data", table,
                "--metric", "loss");
        assertEquals(0, r[0], (String) r[2]);
        r = MainTest.run("evaluate", "--checkpoint", model, "--baseline", model, "--data", table, "--max", "4");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("cider_d ") && ((String) r[1]).contains("(+0.0000, higher is better): "
                + "passed"), (String) r[1]);
        r = MainTest.run("evaluate", "--checkpoint", model, "--baseline", model, "--data", table, "--metric", "fame");
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("--metric: metric 'fame' is unknown; expected one of [loss,"), (String) r[2]);
    }
}
