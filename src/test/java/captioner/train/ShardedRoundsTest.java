package captioner.train;

import captioner.BadInputException;
import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.optim.UpdateRuleType;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reduce-scatter exchange gives bitwise the default exchange's run: parameters, update-rule state and losses,
 * in local mode with the by-reference hand-off off (so everything goes over the transport as on a cluster; a real
 * cluster, with an executor killed mid-round, is {@code StandaloneClusterTest}'s).
 */
class ShardedRoundsTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(7, 40, 4, 15, 9, 12);

    private static TrainConfig config(Path out, int iterations) {
        return TrainerTest.config(out.toString(), iterations, false).toBuilder().checkpointEvery(7).build();
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Trains {@code c} on 3 partitions with {@code exchange} ("channel" or "reduce-scatter"), nothing by reference. */
    private static Checkpoint train(TrainConfig c, String exchange) {
        SparkTesting.spark().conf().set(Trainer.LOCAL_EXCHANGE, "false");
        SparkTesting.spark().conf().set(Exchange.SETTING, exchange);
        try {
            new Trainer(SparkTesting.spark(), c, SparkTesting.input(DATA, 3), quiet()).run();
        } finally {
            SparkTesting.spark().conf().unset(Trainer.LOCAL_EXCHANGE);
            SparkTesting.spark().conf().unset(Exchange.SETTING);
        }
        Path model = Path.of(c.out(), RunLayout.MODEL);
        return Checkpoint.read(model, model.toString(), c.dtype());
    }

    private static void assertSameRun(Checkpoint expected, Checkpoint actual, Path a, Path b) throws IOException {
        assertArrayEquals(expected.params().floatStorage(), actual.params().floatStorage(), "parameters");
        assertEquals(expected.optimizerState().keySet(), actual.optimizerState().keySet());
        for (Map.Entry<String, Tensor> e : expected.optimizerState().entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), actual.optimizerState().get(e.getKey()).toDoubleArray(),
                    "update-rule state " + e.getKey());
        }
        assertArrayEquals(expected.lossHistory(), actual.lossHistory(), "losses");
        assertEquals(expected.iteration(), actual.iteration());
        List<String> metricsA = Files.readAllLines(a.resolve(RunLayout.METRICS));
        List<String> metricsB = Files.readAllLines(b.resolve(RunLayout.METRICS));
        assertEquals(metricsA.size(), metricsB.size());
        for (int i = 0; i < metricsA.size(); i++) {
            for (String key : List.of(RunLayout.Metric.LOSS, RunLayout.Metric.GRAD_NORM)) {
                assertEquals(value(metricsA.get(i), key), value(metricsB.get(i), key), key + " of line " + (i + 1));
            }
        }
    }

    private static String value(String line, String key) {
        return line.replaceAll(".*\"" + key + "\":([^,}]+).*", "$1");
    }

    @Test
    void adamOverSeveralRoundsIsBitwiseTheChannelRun() throws IOException {
        // 104 iterations: a round of 100, then one of 4; checkpoints (uploads) every 7 within them.
        Path channel = tmp.resolve("channel");
        Path scattered = tmp.resolve("scattered");
        Checkpoint a = train(config(channel, 104), Exchange.CHANNEL_VALUE);
        Checkpoint b = train(config(scattered, 104), Exchange.REDUCE_SCATTER_VALUE);
        assertEquals(UpdateRuleType.ADAM.label(), b.updateRule());
        assertEquals(104.0, b.optimizerState().get("t").get(0));
        assertSameRun(a, b, channel, scattered);
    }

    @Test
    void clippedMomentumRunIsBitwiseTheChannelRun() throws IOException {
        // A bound below every iteration's norm: each update is clipped.
        TrainConfig base = config(tmp.resolve("x"), 12).toBuilder().updateRule(UpdateRuleType.SGD_MOMENTUM)
                .clipNorm(0.05).build();
        Path channel = tmp.resolve("channel");
        Path scattered = tmp.resolve("scattered");
        Checkpoint a = train(base.toBuilder().out(channel.toString()).build(), Exchange.CHANNEL_VALUE);
        Checkpoint b = train(base.toBuilder().out(scattered.toString()).build(), Exchange.REDUCE_SCATTER_VALUE);
        assertSameRun(a, b, channel, scattered);
        for (String line : Files.readAllLines(scattered.resolve(RunLayout.METRICS))) {
            assertTrue(Double.parseDouble(value(line, RunLayout.Metric.GRAD_NORM)) > 0.05, line);
        }
    }

    @Test
    void float64AndResumeAreBitwiseTheChannelRun() throws IOException {
        TrainConfig base = config(tmp.resolve("x"), 10).toBuilder().dtype(DType.FLOAT64).cell(CellType.RNN).build();
        Path channel = tmp.resolve("channel");
        Path scattered = tmp.resolve("scattered");
        Checkpoint a = train(base.toBuilder().out(channel.toString()).build(), Exchange.CHANNEL_VALUE);
        // Stopped after 7 iterations (its checkpoint), then resumed to 10.
        train(base.toBuilder().out(scattered.toString()).iterations(7).build(), Exchange.REDUCE_SCATTER_VALUE);
        Checkpoint b = train(base.toBuilder().out(scattered.toString()).resume(true).build(),
                Exchange.REDUCE_SCATTER_VALUE);
        assertArrayEquals(a.params().doubleStorage(), b.params().doubleStorage());
        assertArrayEquals(a.lossHistory(), b.lossHistory());
    }

    @Test
    void nonFiniteLossStopsWithTheChannelsMessage() {
        TrainConfig c = config(tmp.resolve("nan"), 50).toBuilder().cell(CellType.RNN).updateRule(UpdateRuleType.SGD)
                .learningRate(1e30).lrDecay(1.0).seed(1).checkpointEvery(1).build();
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> train(c, Exchange.REDUCE_SCATTER_VALUE));
        assertTrue(e.getMessage().matches(".*is (NaN|Infinity) at iteration \\d+; parameters were not updated.*"),
                e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("nan").resolve(RunLayout.MODEL)));
    }

    @Test
    void anUnknownExchangeOrLocalModesHandOffIsRefusedByName() {
        SparkTesting.spark().conf().set(Exchange.SETTING, "ring");
        try {
            BadInputException e = assertThrows(BadInputException.class, () -> new Trainer(SparkTesting.spark(),
                    config(tmp.resolve("ring"), 2), SparkTesting.input(DATA, 3), quiet()).run());
            assertEquals("spark.captioner.exchange is 'ring'; expected auto (the default: reduce-scatter where it can "
                    + "run), channel or reduce-scatter", e.getMessage());
            SparkTesting.spark().conf().set(Exchange.SETTING, Exchange.REDUCE_SCATTER_VALUE);
            e = assertThrows(BadInputException.class, () -> new Trainer(SparkTesting.spark(),
                    config(tmp.resolve("local"), 2), SparkTesting.input(DATA, 3), quiet()).run());
            assertTrue(e.getMessage().startsWith("spark.captioner.exchange=reduce-scatter needs executors of their "
                    + "own"), e.getMessage());
        } finally {
            SparkTesting.spark().conf().unset(Exchange.SETTING);
        }
        assertTrue(!Files.exists(tmp.resolve("local").resolve(RunLayout.MODEL)));
    }
}
