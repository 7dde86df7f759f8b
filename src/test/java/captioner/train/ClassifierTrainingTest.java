package captioner.train;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.data.classify.SentenceShards;
import captioner.data.classify.SentenceSplit;
import captioner.model.CellType;
import captioner.model.Checkpoint;
import captioner.model.GradientCheck;
import captioner.model.Vocabulary;
import captioner.model.classify.ClassificationTransformer;
import captioner.model.classify.ClassifierConfig;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static captioner.train.TrainingRuns.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 004's classifier on the captioning loop: the same sums, reproducible, resumable, checkpointed. */
class ClassifierTrainingTest {
    @TempDir
    Path tmp;

    private static final int V = 12;
    private static final int T = 6;
    private static final ClassifierConfig MODEL = new ClassifierConfig(V, 8, 2, 16, 4, 3, T);
    private static final SentenceSplit TRAIN = sentences(7, 60);
    private static final Vocabulary WORDS = words();

    /** N sentences of T tokens (CLS = 1 first, PAD = 0 after 1 to T−1 words); label 1 when word 3 occurs. */
    static SentenceSplit sentences(long seed, int n) {
        Random rng = new Random(seed);
        int[] tokens = new int[n * T];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i * T] = 1;
            int words = 1 + rng.nextInt(T - 1);
            for (int s = 1; s <= words; s++) {
                tokens[i * T + s] = 2 + rng.nextInt(V - 2);
                labels[i] |= tokens[i * T + s] == 3 ? 1 : 0;
            }
        }
        return new SentenceSplit("train", T, tokens, labels);
    }

    private static Vocabulary words() {
        List<String> w = new ArrayList<>(List.of("<PAD>", "<CLS>"));
        for (int i = 2; i < V; i++) {
            w.add("w" + i);
        }
        return Vocabulary.sentenceWords(w, "test");
    }

    private static Trainer.Input input(int partitions) {
        return new Trainer.Input(WORDS, SentenceShards.of(SparkTesting.spark(), TRAIN, partitions),
                ClassifierConfig.FEATURE_WIDTH, T + 1, MODEL);
    }

    private static TrainConfig config(Path out, int iterations, boolean resume) {
        return TrainConfig.builder().cell(CellType.CLASSIFIER).batchSize(10).iterations(iterations).partitions(3)
                .master("local[4]").out(out.toString()).checkpointEvery(5).keepCheckpoints(2).resume(resume)
                .printEvery(5).build();
    }

    private static Trainer.Result train(TrainConfig c) {
        return TrainingRuns.train(c, input(3));
    }

    /** The Spark full-batch gradient (any partitions, any tree depth) equals the single-process one. */
    @ParameterizedTest
    @CsvSource({"1, 1", "3, 1", "4, 2", "7, 3"})
    void distributedGradientEqualsSingleProcess(int partitions, int depth) {
        ClassificationTransformer plain = MODEL.newModel(MODEL.initialParams(DType.FLOAT64, 17));
        Tensor expected = MODEL.layout().zeros(DType.FLOAT64);
        double expectedLoss = plain.lossSum(TRAIN.tokens(), T, TRAIN.labels(), expected) / TRAIN.size();
        Kernels.of(DType.FLOAT64).scale(expected, 1.0 / TRAIN.size());
        JavaRDD<CaptionShard> shards = SentenceShards.of(SparkTesting.spark(), TRAIN, partitions);
        Broadcast<Object> params = JavaSparkContext.fromSparkContext(SparkTesting.spark().sparkContext())
                .broadcast(plain.params().doubleStorage());
        PartialGradient sum = GradientSum.reduce(shards,
                new PartitionGradient(params, MODEL, DType.FLOAT64, null, true, 1, 0, null, -1), depth).sum();
        assertEquals(TRAIN.size(), sum.captions);
        assertEquals(expectedLoss, sum.lossSum / sum.captions, 1e-12 * expectedLoss);
        Tensor mean = sum.gradient().copy(DType.FLOAT64);
        Kernels.of(DType.FLOAT64).scale(mean, 1.0 / sum.captions);
        double error = GradientCheck.scaledError(mean, expected);
        assertTrue(error < 1e-12, partitions + " partitions: scaled difference " + error);
    }

    @Test
    void shardsCoverTheSplitInOrder() {
        List<CaptionShard> shards = SentenceShards.build(TRAIN, 7);
        assertEquals(7, shards.size());
        int next = 0;
        for (CaptionShard s : shards) {
            assertTrue(Math.abs(s.numCaptions() - TRAIN.size() / 7.0) < 1, "sizes differ by at most one");
            for (int i = 0; i < s.numCaptions(); i++) {
                assertEquals(next, s.imageIdxs()[i]);
                for (int t = 0; t < T; t++) {
                    assertEquals(TRAIN.tokens()[next * T + t], s.captions()[i * (T + 1) + t]);
                }
                assertEquals(TRAIN.labels()[next], s.captions()[i * (T + 1) + T]);
                next++;
            }
        }
        assertEquals(TRAIN.size(), next);
    }

    @Test
    void sameConfigGivesBitwiseIdenticalParametersAndTheLossFalls() throws IOException {
        Trainer.Result r = train(config(tmp.resolve("a"), 30, false));
        train(config(tmp.resolve("b"), 30, false));
        assertArrayEquals(params(tmp.resolve("a/model.h5")), params(tmp.resolve("b/model.h5")));
        Checkpoint c = Checkpoint.read(tmp.resolve("a/model.h5"), "model", DType.FLOAT32);
        assertEquals(MODEL, c.model());
        assertEquals(WORDS.words(), c.vocab().words());
        double[] losses = c.lossHistory();
        assertEquals(30, losses.length);
        double first = (losses[0] + losses[1] + losses[2]) / 3;
        double last = (losses[27] + losses[28] + losses[29]) / 3;
        assertTrue(last < first, "loss falls: " + first + " → " + last + " (final " + r.finalLoss() + ")");
        assertEquals(30, Files.readAllLines(tmp.resolve("a/" + RunLayout.METRICS)).size());
        assertTrue(Files.size(tmp.resolve("a/" + RunLayout.LOSS_PLOT)) > 0);
        try (HdfFile f = new HdfFile(tmp.resolve("a/model.h5"))) {
            assertArrayEquals(new int[] {3, 8}, f.getDatasetByPath("/params/v2.weight").getDimensions());
            assertArrayEquals(new int[] {8, 6}, f.getDatasetByPath("/params/attention_head_projection.weight")
                    .getDimensions());
            assertArrayEquals(new int[] {1, 8}, f.getDatasetByPath("/optimizer/m/final_dense.weight").getDimensions());
            assertEquals("classifier", f.getAttribute("cell").getData());
        }
    }

    @Test
    void resumingFromACheckpointEndsBitwiseIdentical() throws IOException {
        TrainingRuns.assertResumedRunEndsBitwiseIdentical(tmp, (out, resume) -> config(out, 12, resume),
                ClassifierTrainingTest::train);
    }

    @Test
    void sentencesLongerThanTheModelAreBadInput() {
        ClassifierConfig shorter = new ClassifierConfig(V, 8, 2, 16, 4, 3, T - 1);
        Trainer.Input in = new Trainer.Input(WORDS, SentenceShards.of(SparkTesting.spark(), TRAIN, 2),
                ClassifierConfig.FEATURE_WIDTH, T + 1, shorter);
        BadInputException e = assertThrows(BadInputException.class, () -> new Trainer(SparkTesting.spark(),
                config(tmp.resolve("short"), 2, false), in, TrainingRuns.quiet()).run());
        assertEquals("the data's sentences have 6 tokens but the classifier has 5 positions; expected at most 5 tokens",
                e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("short/model.h5")));
    }
}
