package captioner.cli;

import captioner.TestSpark;
import captioner.model.Checkpoint;
import captioner.model.classify.ClassifierConfig;
import captioner.tensor.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static captioner.cli.MainTest.assertBadInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --task classify} as the command line runs it, on seed 004's file layout (make_seed_files.py). */
class ClassifyCommandsTest {
    @TempDir
    Path tmp;

    static String seed;

    @BeforeAll
    static void session() throws URISyntaxException {
        TestSpark.session();
        seed = Path.of(ClassifyCommandsTest.class.getResource("/captioner/data/classify/seed").toURI()).toString();
    }

    private static String[] train(String out, String... more) {
        String[] base = {"train", "--task", "classify", "--data", seed, "--out", out, "--wordvec", "16", "--ffn", "32",
            "--batch-size", "2", "--partitions", "2", "--print-every", "2"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void trainsAndResumesTheSeedsClassifier() throws java.io.IOException {
        String out = tmp.resolve("run").toString();
        Object[] r = MainTest.run(train(out, "--iterations", "4"));
        assertEquals(0, r[0], (String) r[2]);
        Checkpoint c = Checkpoint.read(tmp.resolve("run/model.h5"), "model", DType.FLOAT32);
        // Sizes from the flags, the seed's heads and key/value widths, positions from the data's 5 tokens.
        assertEquals(new ClassifierConfig(6, 16, 2, 32, 96, 96, 5), c.model());
        assertEquals(4, c.iteration());
        r = MainTest.run("train", "--out", out, "--resume", "--iterations", "6");
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(6, Checkpoint.read(tmp.resolve("run/model.h5"), "model", DType.FLOAT32).iteration());
        assertTrue(Files.exists(tmp.resolve("run/loss.png")));
        r = MainTest.run("evaluate", "--checkpoint", out + "/model.h5", "--data", seed, "--split", "val", "--out",
                tmp.resolve("val.json").toString());
        assertEquals(0, r[0], (String) r[2]);
        String shown = (String) r[1];
        assertTrue(shown.contains("mcc ") && shown.contains("majority baseline (always 1)"), shown);
        assertTrue(Files.exists(tmp.resolve("val.json")));
        Path predictions = tmp.resolve("p.jsonl");
        r = MainTest.run("predict", "--checkpoint", out + "/model.h5", "--data", seed, "--out", predictions.toString());
        assertEquals(0, r[0], (String) r[2]);
        List<String> lines = Files.readAllLines(predictions);
        assertEquals(3, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(0, first.get("index").asInt());
        assertEquals(1, first.get("label").asInt());
        assertEquals("the dog", first.get("sentence").asText());
        double score = first.get("score").asDouble();
        assertTrue(score > 0 && score < 1, lines.get(0));
        assertEquals(score >= 0.5 ? 1 : 0, first.get("predicted").asInt());
        assertEquals("<UNK> <UNK>", new ObjectMapper().readTree(lines.get(1)).get("sentence").asText());
        // --init: the file's shapes size the model (E=16, F=32), not the flags' defaults (128, 2048).
        r = MainTest.run("train", "--task", "classify", "--data", seed, "--out", tmp.resolve("warm").toString(),
                "--init", out + "/model.h5", "--iterations", "1", "--batch-size", "2", "--partitions", "1");
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(new ClassifierConfig(6, 16, 2, 32, 96, 96, 5),
                Checkpoint.read(tmp.resolve("warm/model.h5"), "warm", DType.FLOAT32).model());
        r = MainTest.run("gradcheck", "--task", "classify", "--checkpoint", out + "/model.h5", "--data", seed,
                "--captions", "3", "--entries", "3");
        assertEquals(0, r[0], (String) r[1] + r[2]);
        assertTrue(((String) r[1]).contains("final_dense.weight") && ((String) r[1]).contains("all gradients match"),
                (String) r[1]);
    }

    /** Every parameter of a small random classifier, every entry, in float64. */
    @Test
    void gradcheckOfARandomClassifierPasses() {
        Object[] r = MainTest.run("gradcheck", "--task", "classify");
        assertEquals(0, r[0], (String) r[1] + r[2]);
        String out = (String) r[1];
        assertTrue(out.contains("a small random classifier") && out.contains("q2.weight")
                && out.contains("all gradients match") && !out.contains("FAIL"), out);
    }

    @Test
    void captioningFlagsAndMissingDataDirectoriesAreBadInput() {
        assertBadInput("--hidden is a captioning setting but --task is classify; drop it",
                train(tmp.resolve("a").toString(), "--hidden", "8"));
        assertBadInput("--task: unknown task 'sort'; expected caption or classify",
                "train", "--task", "sort", "--out", tmp.resolve("b").toString());
        assertBadInput("--data: " + tmp.resolve("none") + ": no such directory",
                "train", "--task", "classify", "--data", tmp.resolve("none").toString(), "--out",
                tmp.resolve("d").toString(), "--partitions", "1");
    }
}
