package captioner.train;

import captioner.BadInputException;
import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.model.TransformerConfig;
import captioner.nn.Activation;
import captioner.tensor.DType;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static captioner.train.TrainingRuns.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer on the same training loop: reproducible with dropout, resumable, PyTorch names in checkpoints. */
class TransformerTrainingTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(5, 40, 4, 15, 9, 12);

    /** A small transformer run with dropout on: 160 captions, batch 20, 3 partitions. */
    private static TrainConfig config(Path out, int iterations, boolean resume) {
        return TrainConfig.builder().cell(CellType.TRANSFORMER).wordvec(8).heads(2).layers(2).ffn(16).dropout(0.2)
                .maxLength(10).batchSize(20).iterations(iterations).partitions(3).master("local[4]")
                .out(out.toString()).checkpointEvery(5).keepCheckpoints(2).resume(resume).printEvery(5).build();
    }

    private static Trainer.Result train(TrainConfig c) {
        return TrainingRuns.train(c, SparkTesting.input(DATA, 3));
    }

    @Test
    void sameConfigGivesBitwiseIdenticalParametersWithDropout() {
        train(config(tmp.resolve("a"), 8, false));
        train(config(tmp.resolve("b"), 8, false));
        assertArrayEquals(params(tmp.resolve("a/model.h5")), params(tmp.resolve("b/model.h5")));
        // The dropout draws matter: without them the run ends elsewhere.
        train(config(tmp.resolve("c"), 8, false).toBuilder().dropout(0).build());
        assertFalse(java.util.Arrays.equals(params(tmp.resolve("a/model.h5")), params(tmp.resolve("c/model.h5"))));
    }

    @Test
    void resumingFromACheckpointEndsBitwiseIdentical() throws IOException {
        TrainingRuns.assertResumedRunEndsBitwiseIdentical(tmp, (out, resume) -> config(out, 12, resume),
                TransformerTrainingTest::train);
    }

    @Test
    void checkpointsHoldPyTorchNamesAndTheSettingsShapesCannotTell() {
        Trainer.Result r = train(config(tmp.resolve("run"), 20, false).toBuilder().learningRate(1e-2).build());
        Path model = tmp.resolve("run/model.h5");
        Checkpoint c = Checkpoint.read(model, "model", DType.FLOAT32);
        TransformerConfig t = (TransformerConfig) c.model();
        assertEquals(new TransformerConfig(15, 12, 8, 16, 2, 2, Activation.Kind.GELU, 0.2, 10, 0, 1, 2), t);
        try (HdfFile f = new HdfFile(model)) {
            assertArrayEquals(new int[] {8, 8}, f.getDatasetByPath("/params/transformer.layers.1.cross_attn.query.weight")
                    .getDimensions());
            assertArrayEquals(new int[] {16, 8}, f.getDatasetByPath("/params/transformer.layers.0.ffn.fc1.weight")
                    .getDimensions());
            assertArrayEquals(new int[] {15, 8}, f.getDatasetByPath("/params/output.weight").getDimensions());
            assertArrayEquals(new int[] {8, 8}, f.getDatasetByPath("/optimizer/m/transformer.layers.0.self_attn.key.weight")
                    .getDimensions());
            assertNotNull(f.getAttribute("heads"));
        }
        double[] losses = c.lossHistory();
        assertTrue(losses[losses.length - 1] < losses[0], "loss falls: " + losses[0] + " → " + r.finalLoss());
    }

    @Test
    void warmStartInfersTheSizesAndKeepsTheFilesHeads() {
        train(config(tmp.resolve("first"), 5, false));
        Path first = tmp.resolve("first/model.h5");
        // Other sizes on the flags: the file's shapes win; its heads (2) win over the default (4).
        TrainConfig warm = config(tmp.resolve("warm"), 1, false).toBuilder().heads(null).ffn(2048).layers(1)
                .learningRate(1e-9).init(first.toString()).build();
        train(warm);
        TransformerConfig t = (TransformerConfig) Checkpoint.read(tmp.resolve("warm/model.h5"), "warm", DType.FLOAT32)
                .model();
        assertEquals(2, t.heads());
        assertEquals(16, t.ffnDim());
        assertEquals(2, t.layers());
    }

    @Test
    void warmStartAcrossVocabulariesCarriesWordsOverAndRecordsTheCounts() throws IOException {
        // A model over 9 words (<NULL> <START> <END> w0..w5), warm-started on data of 15: w6..w11 are new.
        Path first = tmp.resolve("small-vocab");
        new Trainer(SparkTesting.spark(), config(first, 2, false), SparkTesting.input(SparkTesting.randomData(5, 10, 2,
                9, 9, 12), 2), TrainingRuns.quiet()).run();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path warm = tmp.resolve("warm");
        new Trainer(SparkTesting.spark(), config(warm, 1, false).toBuilder().learningRate(1e-3)
                .init(first.resolve("model.h5").toString()).build(), SparkTesting.input(DATA, 3),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("vocabulary remapped by word: 9 shared, 6 new, 0 dropped"), text);
        String run = Files.readString(warm.resolve(RunLayout.RUN));
        assertTrue(run.contains("\"warmStart\" : {\n    \"shared\" : 9,\n    \"new\" : 6,\n    \"dropped\" : 0,"), run);
        Checkpoint old = Checkpoint.read(first.resolve("model.h5"), "first", DType.FLOAT32);
        Checkpoint now = Checkpoint.read(warm.resolve("model.h5"), "warm", DType.FLOAT32);
        assertEquals(15, now.model().vocabSize());
        // w5's output row (index 8 in both) started from the first model's: one Adam step moves it by at most lr.
        double[] before = old.model().layout().view(old.params(), "output.weight").slice(8).toDoubleArray();
        double[] after = now.model().layout().view(now.params(), "output.weight").slice(8).toDoubleArray();
        for (int k = 0; k < before.length; k++) {
            assertEquals(before[k], after[k], 1e-3 * 1.001);
        }
    }

    @Test
    void captionsLongerThanMaxLengthAreBadInput() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> train(config(tmp.resolve("short"), 2, false).toBuilder().maxLength(5).build()));
        assertTrue(e.getMessage().contains("--max-length is 5") && e.getMessage().contains("at least 8"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("short/model.h5")));
    }

    @Test
    void headsNotDividingTheWidthAreBadInput() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> config(tmp.resolve("x"), 2, false).toBuilder().heads(3).build());
        assertEquals("--heads 3 does not divide --wordvec 8; expected a width that is a multiple of the heads (each "
                + "head takes W/heads)", e.getMessage());
    }
}
