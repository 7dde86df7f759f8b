package captioner.cli;

import captioner.TestSpark;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nLayout;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.synthetic.SyntheticDataset;
import captioner.eval.Bleu;
import captioner.eval.metrics.CocoScores;
import captioner.eval.metrics.PtbTokenizer;
import captioner.model.CaptioningModel;
import captioner.model.Checkpoint;
import captioner.model.Vocabulary;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sample, evaluate and report, run as the command line runs them, on a small synthetic dataset and a tiny model
 * that the train command trains for a few iterations (on the shared test session).
 */
class EvalCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static String data;
    static String run;
    static String model;
    static Cs231nData loaded;

    @BeforeAll
    static void trainATinyModel() throws IOException {
        TestSpark.session();
        data = shared.resolve("data").toString();
        SyntheticDataset.write(shared.resolve("data"), 24, 5);
        run = shared.resolve("run").toString();
        Object[] r = MainTest.run("train", "--data", data, "--out", run, "--iterations", "30", "--hidden", "16",
                "--wordvec", "8", "--batch-size", "40", "--learning-rate", "0.03", "--partitions", "2",
                "--print-every", "3");
        assertEquals(0, r[0], (String) r[2]);
        model = run + "/model.h5";
        loaded = Cs231nReader.read(data, null, FeatureKind.PCA, null, 0);
    }

    private static Checkpoint checkpoint() {
        return Checkpoint.read(Path.of(model), model, DType.FLOAT32);
    }

    /** The JSON lines of a command's output. */
    static List<JsonNode> lines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static Object[] ok(String... args) {
        Object[] r = MainTest.run(args);
        assertEquals(0, r[0], "exit status of " + String.join(" ", args) + "\n" + r[2]);
        return r;
    }

    private static void assertBadInput(String message, String... args) {
        Object[] r = MainTest.run(args);
        String err = (String) r[2];
        assertEquals(Main.EXIT_BAD_INPUT, r[0], String.join(" ", args) + "\n" + err);
        assertTrue(err.contains("error: ") && err.contains(message), "expected '" + message + "' in\n" + err);
        assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
    }

    /** The greedy caption of val image {@code image}, straight from the model. */
    private static String greedy(int image) {
        Checkpoint c = checkpoint();
        CaptionSplit val = loaded.val();
        float[] f = val.imageFeatures(image);
        int[] words = new CaptioningModel((captioner.model.ModelConfig) c.model(), c.params()).sample(Tensor.wrap(f, 1, f.length), 30);
        return c.vocab().decode(words, 0, words.length);
    }

    @Test
    void sampleWritesOneJsonLinePerImageWithTheKeysScriptsUse() throws IOException {
        Object[] r = ok("sample", "--checkpoint", model, "--data", data, "--count", "4");
        List<JsonNode> rows = lines((String) r[1]);
        assertEquals(4, rows.size());
        Vocabulary vocab = loaded.vocab();
        CaptionSplit val = loaded.val();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            Set<String> keys = new TreeSet<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("image_idx", "url", "generated", "log_prob", "references"), keys);
            assertEquals(i, row.get("image_idx").asInt());
            assertTrue(row.get("image_idx").isInt());
            assertEquals(val.urls()[i], row.get("url").asText());
            assertEquals(greedy(i), row.get("generated").asText());
            assertTrue(row.get("log_prob").isDouble() && row.get("log_prob").asDouble() < 0);
            List<String> expected = new ArrayList<>();
            for (int c = 0; c < val.numCaptions(); c++) {
                if (val.imageIdxs()[c] == i) {
                    expected.add(vocab.decode(val.caption(c), 0, val.captionLength()));
                }
            }
            List<String> actual = new ArrayList<>();
            row.get("references").forEach(n -> actual.add(n.asText()));
            assertEquals(expected, actual);
        }
    }

    @Test
    void beamOfOneIsGreedyAndWholeSplitGoesToAFile() throws IOException {
        Path out = tmp.resolve("sub/val.jsonl");
        Object[] r = ok("sample", "--checkpoint", model, "--data", data, "--all", "--beam-size", "1", "--out",
                out.toString(), "--partitions", "3");
        assertTrue(((String) r[2]).contains("wrote 12 captions (beam 1) of the val split to " + out), (String) r[2]);
        List<JsonNode> beam = lines(Files.readString(out));
        assertEquals(loaded.val().numImages(), beam.size());
        List<JsonNode> greedy = lines((String) ok("sample", "--checkpoint", model, "--data", data, "--all",
                "--partitions", "3")[1]);
        assertEquals(greedy, beam);
        // Other partitions batch other images together: the same captions, log-probabilities equal to float32
        // rounding of the scores (BLAS may round a row differently in a batch of another size).
        List<JsonNode> two = lines((String) ok("sample", "--checkpoint", model, "--data", data, "--all",
                "--partitions", "2")[1]);
        for (int i = 0; i < two.size(); i++) {
            assertEquals(greedy.get(i).get("generated"), two.get(i).get("generated"));
            double lp = greedy.get(i).get("log_prob").asDouble();
            assertEquals(lp, two.get(i).get("log_prob").asDouble(), 1e-6 * Math.abs(lp));
        }
        // Written atomically: the file and nothing else (no temporary or checksum file) in its folder.
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of("val.jsonl"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void temperatureSamplingIsReproducibleWithSeed() throws IOException {
        String[] base = {"sample", "--checkpoint", model, "--data", data, "--count", "12", "--temperature", "1.5"};
        String a = (String) ok(concat(base, "--seed", "7"))[1];
        String b = (String) ok(concat(base, "--seed", "7"))[1];
        String c = (String) ok(concat(base, "--seed", "8"))[1];
        assertEquals(a, b);
        assertNotEquals(captions(a), captions(c));
        assertEquals(12, lines(a).size());
        // Each image draws from its own seeded stream, so other partitions draw the same words (barring a draw
        // within float32 rounding of a boundary).
        assertEquals(captions(a), captions((String) ok(concat(base, "--seed", "7", "--partitions", "3"))[1]));
    }

    private static List<String> captions(String jsonLines) throws IOException {
        return lines(jsonLines).stream().map(n -> n.get("generated").asText()).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void evaluateWritesEveryMetricAndTheLossIsCs231ns() throws IOException {
        Path out = tmp.resolve("eval.json");
        Object[] r = ok("evaluate", "--checkpoint", model, "--data", data, "--out", out.toString());
        String summary = (String) r[1];
        assertTrue(summary.contains("BLEU-1 unigram per caption (cs231n)"), summary);
        assertTrue(summary.contains("corpus BLEU-4"), summary);
        assertTrue(summary.contains("CIDEr-D (coco)"), summary);
        JsonNode json = JSON.readTree(out.toFile());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("checkpoint", "data", "split", "images", "captions", "decoder", "max_length", "loss",
                "cross_entropy_per_token", "perplexity", "tokens", "bleu1_unigram_cs231n", "corpus_bleu_1",
                "corpus_bleu_2", "corpus_bleu_3", "corpus_bleu_4", "coco_bleu_1", "coco_bleu_2", "coco_bleu_3",
                "coco_bleu_4", "rouge_l", "cider_d", "mean_log_prob", "mean_words", "bleu_smoothing"), keys);
        CaptionSplit val = loaded.val();
        assertEquals(val.numImages(), json.get("images").asInt());
        assertEquals(val.numCaptions(), json.get("captions").asInt());
        assertEquals("greedy", json.get("decoder").asText());

        // The loss equals CaptioningModel.loss over every val caption in one batch.
        Checkpoint c = checkpoint();
        CaptioningModel m = new CaptioningModel((captioner.model.ModelConfig) c.model(), c.params());
        int n = val.numCaptions();
        int d = val.featureDim();
        float[] features = new float[n * d];
        int tokens = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(val.imageFeatures(val.imageIdxs()[i]), 0, features, i * d, d);
            for (int t = 1; t < val.captionLength(); t++) {
                tokens += val.caption(i)[t] != c.vocab().nullIdx() ? 1 : 0;
            }
        }
        double loss = m.loss(Tensor.wrap(features, n, d), val.captions(), val.captionLength(), null);
        assertEquals(loss, json.get("loss").asDouble(), 1e-5 * loss);
        assertEquals(tokens, json.get("tokens").asInt());
        assertEquals(loss * n / tokens, json.get("cross_entropy_per_token").asDouble(), 1e-5 * loss);
        assertEquals(Math.exp(json.get("cross_entropy_per_token").asDouble()), json.get("perplexity").asDouble(), 1e-12);

        // cs231n's per-caption BLEU, recomputed on the driver from sample's output.
        Map<String, Integer> ids = new HashMap<>();
        double sum = 0;
        int rows = 0;
        Bleu.Counts corpus = new Bleu.Counts(4);
        List<JsonNode> sampled = lines((String) ok("sample", "--checkpoint", model, "--data", data, "--all")[1]);
        for (JsonNode row : sampled) {
            int[] hypothesis = tokens(row.get("generated").asText(), ids);
            List<int[]> refs = new ArrayList<>();
            for (Iterator<JsonNode> it = row.get("references").elements(); it.hasNext(); ) {
                int[] ref = tokens(it.next().asText(), ids);
                refs.add(ref);
                sum += Bleu.sentence(List.of(ref), hypothesis, new double[] {1}, Bleu.Smoothing.NONE);
                rows++;
            }
            corpus.add(refs, hypothesis);
        }
        assertEquals(sum / rows, json.get("bleu1_unigram_cs231n").asDouble(), 1e-12);
        for (int k = 1; k <= 4; k++) {
            assertEquals(corpus.bleu(k, Bleu.Smoothing.NONE), json.get("corpus_bleu_" + k).asDouble(), 1e-12);
        }

        // The coco metrics, recomputed on the driver from the same lines: <UNK> dropped, PTB-tokenized.
        CocoScores coco = coco(sampled);
        for (int k = 1; k <= 4; k++) {
            assertEquals(coco.bleu(k), json.get("coco_bleu_" + k).asDouble(), "coco_bleu_" + k);
        }
        assertEquals(coco.rougeL(), json.get("rouge_l").asDouble());
        assertEquals(coco.ciderD(), json.get("cider_d").asDouble());
        assertTrue(coco.ciderD() > 0 && coco.bleu(1) > 0.1, "a trained model has some overlap: " + json);
    }

    /** What CocoScores computes on sample's lines, cleaned and tokenized as evaluate cleans and tokenizes. */
    private static CocoScores coco(List<JsonNode> rows) {
        List<String[]> hypotheses = new ArrayList<>();
        List<List<String[]>> references = new ArrayList<>();
        for (JsonNode row : rows) {
            hypotheses.add(PtbTokenizer.tokenize(withoutUnk(row.get("generated").asText())));
            List<String[]> refs = new ArrayList<>();
            row.get("references").forEach(r -> refs.add(PtbTokenizer.tokenize(withoutUnk(r.asText()))));
            references.add(refs);
        }
        return CocoScores.score(hypotheses, references);
    }

    private static String withoutUnk(String caption) {
        return String.join(" ", java.util.Arrays.stream(caption.split(" ")).filter(w -> !w.contains("<UNK>")).toList());
    }

    @Test
    void sampleScoreAddsEachImagesCocoScores() throws IOException {
        List<JsonNode> rows = lines((String) ok("sample", "--checkpoint", model, "--data", data, "--count", "6",
                "--score", "--partitions", "3")[1]);
        assertEquals(6, rows.size());
        CocoScores coco = coco(rows);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("image_idx", "url", "generated", "log_prob", "references", "coco_bleu_1",
                    "coco_bleu_2", "coco_bleu_3", "coco_bleu_4", "rouge_l", "cider_d"), keys);
            for (int k = 1; k <= 4; k++) {
                assertEquals(coco.images().get(i).bleu(k), row.get("coco_bleu_" + k).asDouble());
            }
            assertEquals(coco.images().get(i).rougeL(), row.get("rouge_l").asDouble());
            assertEquals(coco.images().get(i).ciderD(), row.get("cider_d").asDouble());
        }
    }

    /** Word tokens with <UNK> dropped, as cs231n's BLEU_score does. */
    private static int[] tokens(String caption, Map<String, Integer> ids) {
        return java.util.Arrays.stream(caption.split(" ")).filter(w -> !w.isEmpty() && !w.contains("<UNK>"))
                .mapToInt(w -> ids.computeIfAbsent(w, k -> ids.size())).toArray();
    }

    @Test
    void evaluateGivesTheSameFiguresForAnyPartitioningAndHonoursMax() throws IOException {
        Path one = tmp.resolve("one.json");
        Path three = tmp.resolve("three.json");
        ok("evaluate", "--checkpoint", model, "--data", data, "--beam-size", "2", "--partitions", "1", "--out", one.toString());
        ok("evaluate", "--checkpoint", model, "--data", data, "--beam-size", "2", "--partitions", "3", "--out", three.toString());
        JsonNode a = JSON.readTree(one.toFile());
        JsonNode b = JSON.readTree(three.toFile());
        assertEquals("beam 2", a.get("decoder").asText());
        for (String key : List.of("bleu1_unigram_cs231n", "corpus_bleu_1", "corpus_bleu_4", "coco_bleu_4", "rouge_l",
                "cider_d", "loss", "mean_log_prob")) {
            assertEquals(a.get(key).asDouble(), b.get(key).asDouble(), 1e-5 * Math.abs(a.get(key).asDouble()), key);
        }
        Path max = tmp.resolve("max.json");
        ok("evaluate", "--checkpoint", model, "--data", data, "--max", "3", "--smoothing", "method1", "--out",
                max.toString());
        JsonNode m = JSON.readTree(max.toFile());
        assertEquals(3, m.get("images").asInt());
        assertEquals(15, m.get("captions").asInt());
        assertEquals("method1", m.get("bleu_smoothing").asText());
    }

    @Test
    void reportWritesOneSelfContainedPage() throws IOException {
        Object[] r = ok("report", "--run", run, "--gallery", "5");
        assertTrue(((String) r[1]).contains("wrote " + run + "/report.html"), (String) r[1]);
        String html = Files.readString(Path.of(run, "report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<style>") && !html.contains("<link") && !html.contains("<script"), "inline CSS only");
        // The loss curve, drawn from metrics.jsonl: 30 iterations, 30 points.
        Matcher raw = Pattern.compile("<polyline class=\"raw\" points=\"([^\"]*)\"").matcher(html);
        assertTrue(raw.find(), "loss curve");
        assertEquals(30, raw.group(1).trim().split(" ").length);
        // The metrics table with both decoders.
        for (String s : List.of("<th class=\"num\">greedy</th>", "<th class=\"num\">beam 3</th>",
                "<code>bleu1_unigram_cs231n</code>", "<code>corpus_bleu_4</code>", "<code>perplexity</code>",
                "<code>coco_bleu_1</code>", "<code>coco_bleu_4</code>", "<code>rouge_l</code>", "<code>cider_d</code>",
                "CIDEr-D (coco)", " · CIDEr-D ")) {
            assertTrue(html.contains(s), s);
        }
        // The gallery: 5 images linked by their (data:) URLs, each with its references.
        assertEquals(5, count(html, "<img src=\"data:image/svg+xml"));
        assertEquals(5, count(html, "<ul class=\"refs\">"));
        assertTrue(html.contains("val image 4") && !html.contains("val image 5"));
        assertTrue(html.contains(escaped(loaded.vocab().decode(loaded.val().caption(0), 0, 17))));
        try (Stream<Path> files = Files.list(Path.of(run))) {
            assertTrue(files.map(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith(".") || n.endsWith(".crc")),
                    "no temporary or checksum files left in the run directory");
        }
    }

    /**
     * URLs come from other people's data (a URL file here; a caption table's url column, filled from annotation
     * files, reaches the page the same way): only http(s) and data:image URLs become links and images.
     */
    @Test
    void reportShowsEveryOtherUrlAsText() throws IOException {
        Path hostile = tmp.resolve("hostile");
        try (Stream<Path> files = Files.list(Path.of(data))) {
            Files.createDirectories(hostile);
            for (Path f : files.toList()) {
                Files.copy(f, hostile.resolve(f.getFileName()));
            }
        }
        Path urls = hostile.resolve(Cs231nLayout.urlsFile("val"));
        List<String> lines = new ArrayList<>(Files.readAllLines(urls));
        List<String> bad = List.of("javascript:alert(2)", " JavaScript:alert(3)", "file:///etc/passwd",
                "https://images.cocodataset.org/val2014/x.jpg");
        for (int i = 0; i < bad.size(); i++) {
            lines.set(i, bad.get(i));
        }
        Files.write(urls, lines);
        Path page = tmp.resolve("hostile.html");
        ok("report", "--run", run, "--data", hostile.toString(), "--gallery", "5", "--out", page.toString());
        String html = Files.readString(page);
        for (String url : bad.subList(0, 3)) {
            assertTrue(html.contains("<div class=\"url\">" + url.strip() + "</div>"), url + " as text");
        }
        assertFalse(html.toLowerCase(java.util.Locale.ROOT).contains("href=\" javascript")
                || html.toLowerCase(java.util.Locale.ROOT).contains("=\"javascript") || html.contains("=\"file:"), html);
        assertEquals(1, count(html, "<img src=\"https://images.cocodataset.org/val2014/x.jpg\""));
        assertEquals(1, count(html, "<img src=\"data:image/svg+xml"), "the fifth image keeps its inline image");
    }

    /** A caption as HTML text: captions have no markup characters but may hold {@code <UNK>}. */
    private static String escaped(String caption) {
        return caption.replace("<", "&lt;").replace(">", "&gt;");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void badInputNamesTheFlagOrFileAndExitsWithTwo() throws IOException {
        String[] sample = {"sample", "--checkpoint", model, "--data", data};
        assertBadInput("--count is 0; expected at least 1 image", concat(sample, "--count", "0"));
        assertBadInput("--all and --count both choose the images", concat(sample, "--all", "--count", "3"));
        assertBadInput("--beam-size is 0; expected at least 1", concat(sample, "--beam-size", "0"));
        assertBadInput("--temperature is 0.0; expected a positive number", concat(sample, "--temperature", "0"));
        assertBadInput("--temperature is -1.0", concat(sample, "--temperature", "-1"));
        assertBadInput("--max-length is 0; expected at least 1", concat(sample, "--max-length", "0"));
        assertBadInput("--partitions is 0; expected at least 1", concat(sample, "--partitions", "0"));
        assertBadInput("--split test: " + data + " has no 'test' split; it has [train, val]",
                concat(sample, "--split", "test"));
        assertBadInput("--max is 0; expected at least 1 image",
                "evaluate", "--checkpoint", model, "--data", data, "--max", "0");
        assertBadInput("--smoothing is 'method9'; expected none or method1",
                "evaluate", "--checkpoint", model, "--data", data, "--smoothing", "method9");
        assertBadInput("--beam-size is 0", "report", "--run", run, "--beam-size", "0");
        assertBadInput("--beam-size and --temperature choose different decoders",
                concat(sample, "--beam-size", "2", "--temperature", "1"));
        assertBadInput("--length-penalty applies to beam search only", concat(sample, "--length-penalty", "1"));
        assertBadInput("--length-penalty is -1.0; expected a number >= 0",
                concat(sample, "--beam-size", "2", "--length-penalty", "-1"));

        String missing = tmp.resolve("nothing.h5").toString();
        assertBadInput("--checkpoint " + missing + ": no such file", "sample", "--checkpoint", missing);
        Path garbage = tmp.resolve("garbage.h5");
        Files.writeString(garbage, "not an HDF5 file");
        assertBadInput("--checkpoint " + garbage + ": not a readable checkpoint", "evaluate", "--checkpoint",
                garbage.toString(), "--data", data);
        assertBadInput("--run " + tmp + ": has no model.h5", "report", "--run", tmp.toString());
        assertBadInput("--out " + tmp + ": is a directory", concat(sample, "--out", tmp.toString()));

        // A model of another vocabulary, and data of another feature width.
        Checkpoint c = checkpoint();
        List<String> words = new ArrayList<>(c.vocab().words());
        words.add("zebra");
        Path otherVocab = tmp.resolve("other-vocab.h5");
        Vocabulary v = new Vocabulary(words, "test");
        captioner.model.ModelConfig config = captioner.model.ModelConfig.of(c.model().cell(), v, c.model().inputDim(),
                ((captioner.model.ModelConfig) c.model()).wordvecDim(), ((captioner.model.ModelConfig) c.model()).hiddenDim());
        new Checkpoint(config, v, CaptioningModel.initialParams(config, DType.FLOAT32, 1), "adam", Map.of(), 0, 0,
                1e-3, new double[0], 1, "{}").write(otherVocab);
        assertBadInput("--checkpoint " + otherVocab + ": the model's vocabulary (" + words.size()
                + " words) differs from that of --data " + data, "sample", "--checkpoint", otherVocab.toString(), "--data",
                data);
        Path narrow = tmp.resolve("narrow");
        SyntheticDataset.write(narrow, 6, 1, 16);
        assertBadInput("--checkpoint " + model + ": the model takes features of width 512 (W_proj) but --data "
                + narrow + " has features of width 16", "sample", "--checkpoint", model, "--data", narrow.toString());
    }
}
