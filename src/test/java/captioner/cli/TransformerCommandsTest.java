package captioner.cli;

import captioner.TestSpark;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.synthetic.SyntheticDataset;
import captioner.ml.CaptionerModel;
import captioner.model.CaptionGenerator;
import captioner.model.CaptionSpec;
import captioner.model.Checkpoint;
import captioner.model.TransformerConfig;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sample, evaluate, report, caption and the Spark ML transform on a Transformer checkpoint, run as the command line
 * runs them: a tiny transformer that train trains for a few iterations on a small synthetic dataset.
 */
class TransformerCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The trained model's positions: fewer than sample's default 30 words. */
    private static final int POSITIONS = 20;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static SparkSession spark;
    static String data;
    static String run;
    static String model;
    static Cs231nData loaded;

    @BeforeAll
    static void trainATinyTransformer() throws IOException {
        spark = TestSpark.session();
        data = shared.resolve("data").toString();
        SyntheticDataset.write(shared.resolve("data"), 24, 5);
        run = shared.resolve("run").toString();
        Object[] r = MainTest.run("train", "--cell", "transformer", "--data", data, "--out", run, "--iterations", "30",
                "--wordvec", "16", "--heads", "2", "--layers", "1", "--ffn", "32", "--dropout", "0.1",
                "--max-length", "" + POSITIONS, "--batch-size", "40", "--learning-rate", "0.01", "--partitions", "2",
                "--print-every", "10");
        assertEquals(0, r[0], (String) r[2]);
        model = run + "/model.h5";
        loaded = Cs231nReader.read(data, null, FeatureKind.PCA, null, 0);
    }

    private static Object[] ok(String... args) {
        Object[] r = MainTest.run(args);
        assertEquals(0, r[0], "exit status of " + String.join(" ", args) + "\n" + r[2]);
        return r;
    }

    private static Checkpoint checkpoint() {
        return Checkpoint.read(Path.of(model), model, DType.FLOAT32);
    }

    /** The greedy caption of val image {@code image}, straight from the model (words past the positions: none). */
    private static String greedy(int image) {
        Checkpoint c = checkpoint();
        CaptionGenerator<?> m = ((CaptionSpec) c.model()).newModel(c.params());
        float[] f = loaded.val().imageFeatures(image);
        int[] words = m.sample(Tensor.wrap(f, 1, f.length), 30);
        return c.vocab().decode(words, 0, words.length);
    }

    /** sample's lines on the whole val split, with {@code decoder}'s flags. */
    private static List<JsonNode> sampled(String... decoder) throws IOException {
        List<String> args = new ArrayList<>(List.of("sample", "--checkpoint", model, "--data", data, "--all"));
        args.addAll(List.of(decoder));
        return EvalCommandsTest.lines((String) ok(args.toArray(String[]::new))[1]);
    }

    @Test
    void theCheckpointIsATransformer() {
        TransformerConfig t = (TransformerConfig) checkpoint().model();
        assertEquals(POSITIONS, t.positions());
        assertEquals(1, t.layers());
    }

    @Test
    void sampleIsTheModelsGreedyCaptionAndBeamOfOneIsGreedy() throws IOException {
        List<JsonNode> greedy = sampled();
        List<JsonNode> beam1 = sampled("--beam-size", "1");
        List<JsonNode> beam3 = sampled("--beam-size", "3");
        CaptionSplit val = loaded.val();
        assertEquals(val.numImages(), greedy.size());
        boolean longer = false;
        for (int i = 0; i < greedy.size(); i++) {
            JsonNode g = greedy.get(i);
            assertEquals(i, g.get("image_idx").asInt());
            assertEquals(greedy(i), g.get("generated").asText(), "image " + i);
            assertTrue(g.get("generated").asText().split(" ").length <= POSITIONS);
            assertEquals(g.get("generated").asText(), beam1.get(i).get("generated").asText(), "image " + i);
            assertEquals(g.get("log_prob").asDouble(), beam1.get(i).get("log_prob").asDouble(), 0);
            assertTrue(beam3.get(i).get("log_prob").asDouble() >= g.get("log_prob").asDouble(), "image " + i);
            longer |= !g.get("generated").asText().isEmpty();
        }
        assertTrue(longer, "the model says something");
    }

    @Test
    void temperatureSamplingIsReproducibleWithItsSeed() throws IOException {
        List<JsonNode> a = sampled("--temperature", "1.5", "--seed", "4");
        List<JsonNode> b = sampled("--temperature", "1.5", "--seed", "4");
        List<JsonNode> other = sampled("--temperature", "1.5", "--seed", "5");
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("generated").asText(), b.get(i).get("generated").asText());
            differs |= !a.get(i).get("generated").asText().equals(other.get(i).get("generated").asText());
        }
        assertTrue(differs, "another seed draws other captions");
    }

    @Test
    void evaluateGivesTheModelsLossAndTheGreedyCaptionsBleu() throws IOException {
        Path out = tmp.resolve("eval.json");
        ok("evaluate", "--checkpoint", model, "--data", data, "--beam-size", "2", "--out", out.toString());
        JsonNode json = JSON.readTree(out.toFile());
        assertEquals("beam 2", json.get("decoder").asText());
        CaptionSplit val = loaded.val();
        assertEquals(val.numImages(), json.get("images").asInt());
        // The loss equals the model's over every val caption in one batch, without dropout.
        Checkpoint c = checkpoint();
        CaptionGenerator<?> m = ((CaptionSpec) c.model()).newModel(c.params());
        int n = val.numCaptions();
        int d = val.featureDim();
        float[] features = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(val.imageFeatures(val.imageIdxs()[i]), 0, features, i * d, d);
        }
        double loss = m.loss(Tensor.wrap(features, n, d), val.captions(), val.captionLength(), null);
        assertEquals(loss, json.get("loss").asDouble(), 1e-5 * loss);
        double bleu = json.get("bleu1_unigram_cs231n").asDouble();
        assertTrue(bleu > 0 && bleu <= 1, "BLEU " + bleu);
    }

    @Test
    void reportWritesThePageOfATransformerRun() throws IOException {
        ok("report", "--run", run, "--gallery", "3");
        String html = Files.readString(Path.of(run, "report.html"));
        assertTrue(html.contains("transformer (V="), "the model line names the family");
        assertTrue(html.contains("<th class=\"num\">greedy</th>"), "the metrics table");
    }

    /** The val images' features under their image_idx as id. */
    private Dataset<Row> valImages() {
        CaptionSplit val = loaded.val();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < val.numImages(); i++) {
            List<Float> f = new ArrayList<>();
            for (float x : val.imageFeatures(i)) {
                f.add(x);
            }
            rows.add(RowFactory.create((long) i, f));
        }
        StructType schema = new StructType().add("image_id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    @Test
    void captionAndTheSparkMlTransformGiveSamplesCaptions() throws IOException {
        Map<Long, String> expected = new HashMap<>();
        for (JsonNode n : sampled("--beam-size", "2")) {
            expected.put(n.get("image_idx").asLong(), n.get("generated").asText());
        }
        Path input = tmp.resolve("images");
        valImages().write().parquet(input.toString());
        Path out = tmp.resolve("captions.jsonl");
        ok("caption", "--model", model, "--input", input.toString(), "--out", out.toString(), "--beam-size", "2");
        List<JsonNode> captioned = EvalCommandsTest.lines(Files.readString(out));
        assertEquals(expected.size(), captioned.size());
        for (JsonNode n : captioned) {
            assertEquals(expected.get(n.get("image_id").asLong()), n.get("caption").asText(), n.toString());
        }

        CaptionerModel ml = CaptionerModel.fromCheckpoint(model).setImageIdCol("image_id").setBeamSize(2);
        List<Row> transformed = ml.transform(valImages()).collectAsList();
        assertEquals(expected.size(), transformed.size());
        for (Row r : transformed) {
            assertEquals(expected.get(r.getLong(0)), r.getString(r.fieldIndex(ml.getOutputCol())), r.toString());
        }
    }
}
