package captioner.train;

import captioner.BadInputException;
import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static captioner.train.TrainingRuns.params;
import static captioner.train.TrainingRuns.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(5, 40, 4, 15, 9, 12);

    /** A small LSTM run: 160 captions, batch 20, 8 iterations per epoch. */
    static TrainConfig config(String out, int iterations, boolean resume) {
        return TrainConfig.builder().cell(CellType.LSTM).hidden(16).wordvec(8).batchSize(20).iterations(iterations)
                .partitions(3).master("local[4]").out(out).checkpointEvery(5).keepCheckpoints(2).resume(resume)
                .printEvery(5).build();
    }

    /** Full batches for {@code epochs} epochs, seed 1. */
    private static TrainConfig fullBatch(String out, CellType cell, int epochs, DType dtype, int partitions) {
        return config(out, 1, false).toBuilder().cell(cell).iterations(null).epochs(epochs).fullBatch(true).seed(1)
                .dtype(dtype).partitions(partitions).build();
    }

    private Trainer.Result train(TrainConfig c) {
        return train(c, 3);
    }

    private Trainer.Result train(TrainConfig c, int partitions) {
        return TrainingRuns.train(c, SparkTesting.input(DATA, partitions));
    }

    @Test
    void sameConfigGivesBitwiseIdenticalParameters() {
        train(config(tmp.resolve("a").toString(), 12, false));
        train(config(tmp.resolve("b").toString(), 12, false));
        assertArrayEquals(params(tmp.resolve("a/model.h5")), params(tmp.resolve("b/model.h5")));
    }

    @Test
    void localExchangeParameterChannelAndBroadcastGiveTheSameParameters() throws IOException {
        train(config(tmp.resolve("exchange").toString(), 6, false));
        SparkTesting.spark().conf().set(Trainer.LOCAL_EXCHANGE, "false");
        try {
            train(config(tmp.resolve("channel").toString(), 6, false));
            SparkTesting.spark().conf().set(ChannelRounds.ENABLED, "false");
            train(config(tmp.resolve("serialized").toString(), 6, false));
        } finally {
            SparkTesting.spark().conf().unset(Trainer.LOCAL_EXCHANGE);
            SparkTesting.spark().conf().unset(ChannelRounds.ENABLED);
        }
        float[] exchange = params(tmp.resolve("exchange/model.h5"));
        assertArrayEquals(exchange, params(tmp.resolve("channel/model.h5")));
        assertArrayEquals(exchange, params(tmp.resolve("serialized/model.h5")));
        // Local mode is no cluster: the default takes no reduce-scatter there, and run.json says what ran and why.
        assertEquals("local", exchangeUsed(tmp.resolve("exchange")));
        assertEquals("channel", exchangeUsed(tmp.resolve("channel")));
        assertEquals("broadcast", exchangeUsed(tmp.resolve("serialized")));
        assertTrue(RunLayout.JSON.readTree(tmp.resolve("channel").resolve(RunLayout.RUN).toFile())
                .get(RunLayout.Environment.EXCHANGE).get(RunLayout.ExchangeUsed.WHY).asText()
                .startsWith("local mode (spark.captioner.localExchange=false)"));
    }

    static String exchangeUsed(Path run) throws IOException {
        return RunLayout.JSON.readTree(run.resolve(RunLayout.RUN).toFile()).get(RunLayout.Environment.EXCHANGE)
                .get(RunLayout.ExchangeUsed.USED).asText();
    }

    @Test
    void writesModelCheckpointsMetricsAndPlot() throws IOException {
        Path out = tmp.resolve("run");
        Trainer.Result r = train(config(out.toString(), 12, false));
        assertEquals(12, r.iterations());
        assertEquals(1, r.epochs(), "12 iterations of 8 per epoch finish one epoch");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(12, metrics.size());
        assertTrue(metrics.get(11).matches("\\{\"iteration\":12,\"epoch\":1,\"loss\":.*\"learning_rate\":0\\.00475.*"
                + "\"grad_norm\":.*\"captions_per_s\":.*\"iteration_ms\":.*\"broadcast_ms\":.*\"params_ms\":.*\"compute_ms\":.*"
                + "\"results_ms\":.*\"reduce_ms\":.*\"update_ms\":.*"),
                "the ninth iteration starts epoch 2 at lr 5e-3 * 0.95: " + metrics.get(11));
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            assertEquals(List.of("ckpt-000000010.h5", "ckpt-000000012.h5"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "every 5th and the last, newest 2 kept");
        }
        Checkpoint last = Checkpoint.read(out.resolve("model.h5"), "model", DType.FLOAT32);
        assertEquals(12, last.iteration());
        assertEquals(12, last.lossHistory().length);
        assertEquals(5e-3 * 0.95, last.learningRate(), 1e-15);
        assertEquals(java.util.Set.of("m", "v", "t"), last.optimizerState().keySet());
        assertEquals(12, last.optimizerState().get("t").get(0));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        byte[] png = Files.readAllBytes(out.resolve("loss.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void resumingFromACheckpointEndsBitwiseIdentical() throws IOException {
        // The second run rolled back to its checkpoint at iteration 10, as a kill at iteration 11 would leave it.
        Path cut = TrainingRuns.assertResumedRunEndsBitwiseIdentical(tmp,
                (out, resume) -> config(out.toString(), 12, resume), this::train);
        assertEquals(12, Files.readAllLines(cut.resolve("metrics.jsonl")).size(), "lines after the checkpoint are replaced");
    }

    /** Writes down every event it hears, and keeps each iteration's metrics. */
    private static final class Recorder implements TrainingListener {
        final List<String> events = new java.util.ArrayList<>();
        final List<IterationMetrics> iterations = new java.util.ArrayList<>();

        @Override
        public void runStarted(Start start) {
            events.add("started at " + start.firstIteration() + " of " + start.totalIterations());
        }

        @Override
        public void iterationDone(IterationMetrics metrics) {
            iterations.add(metrics);
        }

        @Override
        public void checkpointDue(Checkpoint checkpoint) {
            events.add("checkpoint " + checkpoint.iteration());
        }

        @Override
        public void runEnded(End end) {
            events.add("ended at " + end.result().iterations() + ", model " + end.model().iteration());
        }

        @Override
        public void runFailed(RuntimeException failure) {
            events.add("failed: " + failure.getMessage());
        }
    }

    @Test
    void aListenerSeesEveryIterationsRecordAndEachEventOnce() throws IOException {
        Path out = tmp.resolve("listened");
        Recorder recorder = new Recorder();
        new Trainer(SparkTesting.spark(), config(out.toString(), 12, false), SparkTesting.input(DATA, 3), quiet())
                .listen(recorder).run();
        assertEquals(List.of("started at 0 of 12", "checkpoint 5", "checkpoint 10", "checkpoint 12",
                "ended at 12, model 12"), recorder.events);
        List<String> lines = Files.readAllLines(out.resolve(RunLayout.METRICS));
        assertEquals(12, recorder.iterations.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(lines.get(i), RunLayout.JSON.writeValueAsString(recorder.iterations.get(i).record()),
                    "the listener's record is the logged line");
            assertEquals(i + 1, recorder.iterations.get(i).iteration());
            assertEquals(20, recorder.iterations.get(i).captions());
        }
    }

    @Test
    void aFailedRunTellsItsListeners() {
        Recorder recorder = new Recorder();
        TrainConfig c = config(tmp.resolve("nan-listened").toString(), 50, false).toBuilder().cell(CellType.RNN)
                .updateRule(UpdateRuleType.SGD).learningRate(1e30).lrDecay(1.0).seed(1).build();
        assertThrows(TrainingFailedException.class, () -> new Trainer(SparkTesting.spark(), c,
                SparkTesting.input(DATA, 3), quiet()).listen(recorder).run());
        String last = recorder.events.get(recorder.events.size() - 1);
        assertTrue(last.startsWith("failed: the ") && last.contains("parameters were not updated"), last);
        assertFalse(recorder.events.stream().anyMatch(e -> e.startsWith("ended")), recorder.events.toString());
    }

    @Test
    void initWarmStartsFromAnotherRunsModelInferringItsSizes() {
        Path first = tmp.resolve("first");
        train(config(first.toString(), 10, false));
        // Flags ask for an RNN of another size; the file's shapes (an LSTM with H=16, W=8) win.
        TrainConfig c = config(tmp.resolve("second").toString(), 1, false).toBuilder().cell(CellType.RNN).hidden(99)
                .wordvec(77).init(first.resolve("model.h5").toString()).build();
        train(c);
        Checkpoint warm = Checkpoint.read(tmp.resolve("second/model.h5"), "second", DType.FLOAT32);
        assertEquals(CellType.LSTM, warm.model().cell());
        assertEquals(16, ((captioner.model.ModelConfig) warm.model()).hiddenDim());
        // Adam's first step moves each coordinate by at most the learning rate: the run started from the first's end.
        float[] start = params(first.resolve("model.h5"));
        float[] after = warm.params().floatStorage();
        double moved = 0;
        for (int i = 0; i < start.length; i++) {
            moved = Math.max(moved, Math.abs(after[i] - start[i]));
        }
        assertTrue(moved > 0 && moved <= 5e-3 * 1.001, "largest move from the warm start: " + moved);
    }

    @Test
    void initWithAnotherVocabularyRemapsItsWordsAndLogsTheCounts() {
        Path first = tmp.resolve("small-vocab");
        SparkTesting.Data other = SparkTesting.randomData(5, 10, 2, 9, 9, 12);
        new Trainer(SparkTesting.spark(), config(first.toString(), 2, false), SparkTesting.input(other, 2), quiet()).run();
        TrainConfig c = config(tmp.resolve("warm").toString(), 1, false).toBuilder()
                .init(first.resolve("model.h5").toString()).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(SparkTesting.spark(), c, SparkTesting.input(DATA, 3), new PrintStream(log, true,
                StandardCharsets.UTF_8)).run();
        String text = log.toString(StandardCharsets.UTF_8);
        // The first model's 9 words (<NULL> <START> <END> w0..w5) are all in the data's 15; w6..w11 are new.
        assertTrue(text.contains("vocabulary remapped by word: 9 shared, 6 new, 0 dropped"), text);
        // The same counts are in run.json for a pipeline to read.
        assertEquals("{\"shared\":9,\"new\":6,\"dropped\":0,\"remapped\":true}",
                warmStartRecord(tmp.resolve("warm")));
        Checkpoint warm = Checkpoint.read(tmp.resolve("warm/model.h5"), "warm", DType.FLOAT32);
        assertEquals(15, warm.model().vocabSize());
        Checkpoint old = Checkpoint.read(first.resolve("model.h5"), "first", DType.FLOAT32);
        // w5's embedding row (index 8 in both) started from the first model's: one Adam step moves it by at most lr.
        double[] before = old.model().layout().view(old.params(), "W_embed").slice(8)
                .toDoubleArray();
        double[] after = warm.model().layout().view(warm.params(), "W_embed").slice(8)
                .toDoubleArray();
        for (int k = 0; k < before.length; k++) {
            assertEquals(before[k], after[k], 5e-3 * 1.001);
        }
        // A second start (--resume, longer) keeps them.
        new Trainer(SparkTesting.spark(), c.toBuilder().iterations(2).resume(true).build(), SparkTesting.input(DATA, 3),
                quiet()).run();
        assertEquals("{\"shared\":9,\"new\":6,\"dropped\":0,\"remapped\":true}",
                warmStartRecord(tmp.resolve("warm")));
    }

    private static String warmStartRecord(Path run) {
        try {
            return String.valueOf(RunLayout.JSON.readTree(run.resolve(RunLayout.RUN).toFile())
                    .get(RunLayout.Environment.WARM_START));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void outHoldingARunIsRefusedWithoutResume() {
        String out = tmp.resolve("taken").toString();
        train(config(out, 2, false));
        BadInputException e = assertThrows(BadInputException.class, () -> train(config(out, 2, false)));
        assertTrue(e.getMessage().contains("already holds a run; pass --resume"), e.getMessage());
    }

    @Test
    void resumeWithOtherSettingsNamesThem() {
        String out = tmp.resolve("other").toString();
        train(config(out, 2, false));
        TrainConfig c = config(out, 2, true);
        TrainConfig changed = c.toBuilder().learningRate(1e-3).build();
        BadInputException e = assertThrows(BadInputException.class, () -> train(changed));
        assertTrue(e.getMessage().contains("learningRate (0.005 there, 0.001 now)"), e.getMessage());
        train(c);
    }

    @Test
    void resumeWithNothingToResumeIsRefused() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> train(config(tmp.resolve("empty").toString(), 2, true)));
        assertTrue(e.getMessage().startsWith("--resume: nothing to resume"), e.getMessage());
    }

    @Test
    void batchLargerThanDataIsRefused() {
        TrainConfig c = config(tmp.resolve("big").toString(), 2, false).toBuilder().cell(CellType.RNN).hidden(8)
                .batchSize(500).seed(1).build();
        BadInputException e = assertThrows(BadInputException.class, () -> train(c));
        assertTrue(e.getMessage().contains("--batch-size 500 is larger than the 160 training captions"), e.getMessage());
    }

    @Test
    void aFailedTaskEndsTheRunWithItsIterationAndSparkStaysUsable() {
        // local[4] runs each task once and schedules the next iteration's job early (LocalRounds): the failure must
        // surface, the waiting tasks of the next iteration must be released, and nothing may hang.
        assertTrue(LocalRounds.schedulesAhead(SparkTesting.spark().sparkContext()));
        SparkTesting.spark().conf().set(Trainer.FAIL_TASK_ONCE, "3:1");
        try {
            TrainingFailedException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(120),
                    () -> assertThrows(TrainingFailedException.class,
                            () -> train(config(tmp.resolve("failed").toString(), 6, false))));
            assertTrue(e.getMessage().contains("injected failure") && e.getMessage().contains("at iteration 3"),
                    e.getMessage());
        } finally {
            SparkTesting.spark().conf().unset(Trainer.FAIL_TASK_ONCE);
        }
        assertFalse(Files.exists(tmp.resolve("failed/model.h5")));
        Trainer.Result after = assertTimeoutPreemptively(java.time.Duration.ofSeconds(120),
                () -> train(config(tmp.resolve("after").toString(), 3, false)));
        assertEquals(3, after.iterations());
    }

    @Test
    void nonFiniteLossStopsWithTheIterationAndKeepsTheLastCheckpoint() {
        // A learning rate this large sends the parameters to infinity within a few steps.
        String out = tmp.resolve("nan").toString();
        TrainConfig c = config(out, 50, false).toBuilder().cell(CellType.RNN).updateRule(UpdateRuleType.SGD)
                .learningRate(1e30).lrDecay(1.0).seed(1).checkpointEvery(1).build();
        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> train(c));
        assertTrue(e.getMessage().matches(".*is (NaN|Infinity) at iteration \\d+; parameters were not updated.*"),
                e.getMessage());
        assertTrue(e.getMessage().contains("ckpt-"), e.getMessage());
        assertTrue(!Files.exists(Path.of(out, "model.h5")));
    }

    @Test
    void fullBatchUsesEveryCaptionEachIteration() throws IOException {
        Path out = tmp.resolve("full");
        TrainConfig c = fullBatch(out.toString(), CellType.RNN, 3, DType.FLOAT32, 3);
        Trainer.Result r = train(c);
        assertEquals(3, r.iterations(), "one iteration per epoch");
        assertEquals(3, r.epochs());
    }

    @Test
    void partitionCountChangesRoundingOnlyInFloat64() {
        TrainConfig three = fullBatch(tmp.resolve("p3").toString(), CellType.LSTM, 2, DType.FLOAT64, 3);
        TrainConfig four = fullBatch(tmp.resolve("p4").toString(), CellType.LSTM, 2, DType.FLOAT64, 4);
        train(three, 3);
        train(four, 4);
        double[] a = Checkpoint.read(tmp.resolve("p3/model.h5"), "p3", DType.FLOAT64).params().doubleStorage();
        double[] b = Checkpoint.read(tmp.resolve("p4/model.h5"), "p4", DType.FLOAT64).params().doubleStorage();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * (1 + Math.abs(a[i])));
        }
    }
}
