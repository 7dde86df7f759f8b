package captioner.eval;

import captioner.model.CaptionGenerator;
import captioner.model.CaptioningTransformer;
import captioner.model.DecodingState;
import captioner.model.DropoutKeys;
import captioner.model.ParamLayout;
import captioner.model.TransformerConfig;
import captioner.nn.Activation;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoders of {@code eval}, written once, on the Transformer: with its key/value cache they give the captions
 * that full recomputation of every prefix gives (cs231n's {@code sample} re-runs the whole prefix each step).
 */
class TransformerDecodingTest {
    private static final int V = 12;
    private static final int START = 1;
    private static final int END = 2;

    /**
     * A random transformer whose weights are large enough that word choices are real ones; {@code <NULL>} is never
     * predicted (as after training) and {@code <END>} is likely enough that some captions end and others do not.
     */
    private static CaptioningTransformer model(Activation.Kind act, int positions, long seed) {
        TransformerConfig config = new TransformerConfig(V, 5, 8, 16, 2, 2, act, 0.1, positions, 0, START, END);
        Tensor params = config.initialParams(DType.FLOAT64, seed);
        Random rng = new Random(seed);
        for (int i = 0; i < params.size(); i++) {
            params.set(i, params.get(i) + rng.nextGaussian() * 0.5);
        }
        CaptioningTransformer m = config.newModel(params);
        m.param("output.bias").set(0, -20);
        m.param("output.bias").set(END, 1.0);
        return m;
    }

    /** The same model decoded without a cache: each step runs the full forward over the whole prefix. */
    private record Recomputed(CaptioningTransformer model) implements CaptionGenerator<Recomputed.Prefixes> {

        /** Each row's features and the words fed so far. */
        record Prefixes(Tensor features, int[][] words) implements DecodingState<Prefixes> {
            @Override
            public int rows() {
                return words.length;
            }

            @Override
            public Prefixes select(int[] rows) {
                int d = features.dim(1);
                Tensor f = Tensor.zeros(features.dtype(), rows.length, d);
                Kernels.of(features.dtype()).gatherRows(features, rows, f);
                int[][] w = new int[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    w[i] = words[rows[i]].clone();
                }
                return new Prefixes(f, w);
            }
        }

        @Override
        public TransformerConfig config() {
            return model.config();
        }

        @Override
        public DType dtype() {
            return model.dtype();
        }

        @Override
        public Prefixes startDecoding(Tensor features) {
            return new Prefixes(features.copy(features.dtype()), new int[features.dim(0)][0]);
        }

        @Override
        public Tensor decodeStep(Prefixes state, int[] previousWords) {
            int n = state.rows();
            int t = state.words()[0].length + 1;
            int[] prefixes = new int[n * t];
            for (int i = 0; i < n; i++) {
                int[] w = Arrays.copyOf(state.words()[i], t);
                w[t - 1] = previousWords[i];
                state.words()[i] = w;
                System.arraycopy(w, 0, prefixes, i * t, t);
            }
            Tensor full = model.prefixScores(state.features(), prefixes, t);
            Tensor last = Tensor.zeros(model.dtype(), n, V);
            for (int i = 0; i < n; i++) {
                last.slice(i).copyFrom(full.slice(i).slice(t - 1));
            }
            return last;
        }

        @Override
        public ParamLayout layout() {
            return model.layout();
        }

        @Override
        public Tensor params() {
            return model.params();
        }

        @Override
        public void setParams(Tensor params) {
            model.setParams(params);
        }

        @Override
        public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout) {
            return model.lossSum(features, captions, captionLength, grads, dropout);
        }

        @Override
        public double loss(Tensor features, int[] captions, int captionLength, Tensor grads) {
            return model.loss(features, captions, captionLength, grads);
        }
    }

    private static int[] indices(int n) {
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return idx;
    }

    private static void assertSameCaptions(Caption[] expected, Caption[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].words(), actual[i].words(), what + ", image " + i);
            assertEquals(expected[i].ended(), actual[i].ended(), what + ", image " + i);
            assertEquals(expected[i].logProb(), actual[i].logProb(), 1e-10, what + ", image " + i);
        }
    }

    @Test
    void greedyBeamAndSamplingWithTheCacheEqualFullRecomputation() {
        List<Decoder> decoders = List.of(new Greedy(9), new BeamSearch(1, 0, 9), new BeamSearch(3, 0, 9),
                new BeamSearch(4, 0.7, 9), new TemperatureSampling(1.3, 5, 9));
        int ended = 0;
        int cut = 0;
        for (Activation.Kind act : Activation.Kind.values()) {
            for (long seed = 1; seed <= 3; seed++) {
                CaptioningTransformer cached = model(act, 12, seed);
                Tensor features = randn(new Random(seed), 7, 5);
                for (Decoder d : decoders) {
                    Caption[] withCache = d.decode(cached, features, indices(7));
                    Caption[] recomputed = d.decode(new Recomputed(cached), features, indices(7));
                    assertSameCaptions(recomputed, withCache, act + ", seed " + seed + ", " + d.label());
                    for (Caption c : withCache) {
                        ended += c.ended() ? 1 : 0;
                        cut += c.ended() ? 0 : 1;
                    }
                }
            }
        }
        assertTrue(ended > 0 && cut > 0, "both ended and cut captions are compared: " + ended + " ended, " + cut
                + " at the length limit");
    }

    @Test
    void beamSizeOneIsGreedyAndALargerBeamIsNeverLessLikely() {
        CaptioningTransformer m = model(Activation.Kind.GELU, 12, 4);
        Tensor features = randn(new Random(4), 9, 5);
        Caption[] greedy = new Greedy(10).decode(m, features, indices(9));
        assertSameCaptions(greedy, new BeamSearch(1, 0, 10).decode(m, features, indices(9)), "beam 1");
        Caption[] beam = new BeamSearch(4, 0, 10).decode(m, features, indices(9));
        boolean better = false;
        for (int i = 0; i < greedy.length; i++) {
            assertTrue(beam[i].logProb() >= greedy[i].logProb() - 1e-12, "image " + i);
            better |= beam[i].logProb() > greedy[i].logProb() + 1e-9;
        }
        assertTrue(better, "the beam finds a likelier caption for some image");
    }

    @Test
    void greedyStopsAtEndAndTheModelsPositionsBoundEveryDecoder() {
        CaptioningTransformer m = model(Activation.Kind.RELU, 4, 2);
        m.param("output.bias").set(END, 2.5);
        Tensor features = randn(new Random(2), 8, 5);
        for (Decoder d : List.of(new Greedy(30), new BeamSearch(2, 0, 30), new TemperatureSampling(1, 3, 30))) {
            boolean anyEnded = false;
            for (Caption c : d.decode(m, features, indices(8))) {
                assertTrue(c.words().length <= 4, d.label() + ": at most the model's 4 positions: " + c);
                assertFalse(Arrays.stream(c.words()).anyMatch(w -> w == END || w == 0), d.label() + ": " + c);
                assertTrue(c.ended() || c.words().length == 4, d.label() + ": cut only at the limit: " + c);
                anyEnded |= c.ended();
            }
            assertTrue(anyEnded, d.label() + ": some caption ends with <END>");
        }
        int[] rows = m.sample(features, 6);
        for (int i = 0; i < 8; i++) {
            assertEquals(0, rows[i * 6 + 4], "past the positions the sample is <NULL>");
            assertEquals(0, rows[i * 6 + 5]);
        }
    }
}
