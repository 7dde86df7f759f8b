package captioner.eval;

import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.DecoderState;
import captioner.model.LogSoftmax;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static captioner.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Greedy, beam search and temperature sampling on small random models (no Spark). */
class DecodingTest {
    private static final int START = 1;
    private static final int END = 2;

    /** A random model (<NULL> 0, <START> 1, <END> 2) whose parameters are scaled up so word choices are not flat. */
    /** The families these decoders take so far. */
    private static final CellType[] RECURRENT = {CellType.RNN, CellType.LSTM};

    static CaptioningModel randomModel(Random rng, CellType cell, DType dtype, int vocab, int inputDim) {
        ModelConfig config = new ModelConfig(cell, vocab, inputDim, 2 + rng.nextInt(8), 2 + rng.nextInt(12), 0, START, END);
        CaptioningModel m = CaptioningModel.initialized(config, dtype, rng.nextLong());
        double scale = 2 + 6 * rng.nextDouble();
        for (int i = 0; i < m.params().size(); i++) {
            m.params().set(i, m.params().get(i) * scale + 0.05 * rng.nextGaussian());
        }
        return m;
    }

    private static Tensor features(Random rng, CaptioningModel m, int n) {
        return randn(rng, n, m.config().inputDim()).copy(m.dtype());
    }

    private static int[] indices(int n) {
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return idx;
    }

    @Test
    void greedyIsCaptioningModelSample() {
        Random rng = new Random(1);
        for (int trial = 0; trial < 24; trial++) {
            CellType cell = RECURRENT[trial % 2];
            DType dtype = trial % 4 < 2 ? DType.FLOAT32 : DType.FLOAT64;
            CaptioningModel m = randomModel(rng, cell, dtype, 6 + rng.nextInt(20), 5);
            Tensor f = features(rng, m, 1 + rng.nextInt(12));
            int maxLength = 1 + rng.nextInt(12);
            int[] rows = m.sample(f, maxLength);
            Caption[] captions = new Greedy(maxLength).decode(m, f, indices(f.dim(0)));
            for (int i = 0; i < captions.length; i++) {
                int[] expected = Arrays.copyOfRange(rows, i * maxLength, (i + 1) * maxLength);
                int[] actual = Arrays.copyOf(captions[i].words(), maxLength);
                if (captions[i].ended()) {
                    actual[captions[i].words().length] = END;
                }
                assertArrayEquals(expected, actual, "trial " + trial + ", image " + i);
            }
        }
    }

    @Test
    void logProbIsMinusTheLossOfTheCaptionFedBack() {
        Random rng = new Random(2);
        int checked = 0;
        for (CellType cell : RECURRENT) {
            CaptioningModel m = randomModel(rng, cell, DType.FLOAT64, 12, 4);
            int maxLength = 6;
            Tensor f = features(rng, m, 10);
            List<Caption> all = new ArrayList<>(List.of(new Greedy(maxLength).decode(m, f, indices(10))));
            all.addAll(List.of(new BeamSearch(3, 0, maxLength).decode(m, f, indices(10))));
            all.addAll(List.of(new TemperatureSampling(1.5, 7, maxLength).decode(m, f, indices(10))));
            for (int k = 0; k < all.size(); k++) {
                Caption c = all.get(k);
                if (Arrays.stream(c.words()).anyMatch(w -> w == 0)) {
                    continue; // the loss masks <NULL> targets, so a caption that emitted <NULL> cannot be compared
                }
                checked++;
                // <START> words [<END>], padded with <NULL>: the loss predicts exactly the emitted words.
                int[] row = new int[maxLength + 1];
                row[0] = START;
                System.arraycopy(c.words(), 0, row, 1, c.words().length);
                if (c.ended()) {
                    row[c.words().length + 1] = END;
                }
                Tensor image = f.view((k % 10) * 4, 1, 4);
                double loss = m.lossSum(image, row, row.length, null);
                assertEquals(-loss, c.logProb(), 1e-9 * (1 + loss), cell + " caption " + k + ": " + c);
            }
        }
        assertTrue(checked > 40, checked + " captions checked");
    }

    @Test
    void beamOfOneIsExactlyGreedy() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            CellType cell = RECURRENT[trial % 2];
            DType dtype = trial % 4 < 2 ? DType.FLOAT32 : DType.FLOAT64;
            CaptioningModel m = randomModel(rng, cell, dtype, 5 + rng.nextInt(30), 6);
            Tensor f = features(rng, m, 1 + rng.nextInt(16));
            int maxLength = 1 + rng.nextInt(15);
            Caption[] greedy = new Greedy(maxLength).decode(m, f, indices(f.dim(0)));
            Caption[] beam = new BeamSearch(1, 0, maxLength).decode(m, f, indices(f.dim(0)));
            assertArrayEquals(greedy, beam, "trial " + trial);
        }
    }

    @Test
    void aLargerBeamNeverReturnsALessLikelyCaptionThanGreedy() {
        Random rng = new Random(4);
        int better = 0;
        int images = 0;
        for (int trial = 0; trial < 60; trial++) {
            CellType cell = RECURRENT[trial % 2];
            DType dtype = trial % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            CaptioningModel m = randomModel(rng, cell, dtype, 5 + rng.nextInt(25), 6);
            Tensor f = features(rng, m, 1 + rng.nextInt(10));
            int maxLength = 2 + rng.nextInt(10);
            int k = 2 + rng.nextInt(5);
            Caption[] greedy = new Greedy(maxLength).decode(m, f, indices(f.dim(0)));
            Caption[] beam = new BeamSearch(k, 0, maxLength).decode(m, f, indices(f.dim(0)));
            for (int i = 0; i < greedy.length; i++) {
                assertTrue(beam[i].logProb() >= greedy[i].logProb(), "trial " + trial + " image " + i + ": beam " + k
                        + " " + beam[i] + " vs greedy " + greedy[i]);
                better += beam[i].logProb() > greedy[i].logProb() ? 1 : 0;
                images++;
            }
            // With a length penalty the same holds for the score finished captions are ranked by.
            double alpha = 0.7;
            Caption[] normalised = new BeamSearch(k, alpha, maxLength).decode(m, f, indices(f.dim(0)));
            for (int i = 0; i < greedy.length; i++) {
                assertTrue(normalised[i].score(alpha) >= greedy[i].score(alpha), "trial " + trial + " image " + i);
            }
        }
        // The search does find likelier captions than greedy's on a good share of these models.
        assertTrue(better > images / 10, better + " of " + images + " images improved");
    }

    @Test
    void aBeamThatHoldsEveryPrefixFindsTheMostLikelyCaption() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 6; trial++) {
            CaptioningModel m = randomModel(rng, RECURRENT[trial % 2], DType.FLOAT64, 5, 3);
            int maxLength = 4;
            Tensor f = features(rng, m, 1);
            List<Caption> every = new ArrayList<>();
            DecoderState s = m.startDecoding(f);
            enumerate(m, s, START, new int[0], 0, maxLength, every);
            // 4 non-<END> words: 4^0 + ... + 4^3 prefixes end with <END>, 4^4 reach the length limit.
            assertEquals(1 + 4 + 16 + 64 + 256, every.size());
            Caption best = every.stream().max((a, b) -> Double.compare(a.logProb(), b.logProb())).orElseThrow();
            // 4^3 = 64 live prefixes at most, each extended by all 5 words: a beam of 64 is exhaustive.
            Caption beam = new BeamSearch(64, 0, maxLength).decode(m, f, new int[] {0})[0];
            assertArrayEquals(best.words(), beam.words(), "trial " + trial + ": best " + best + ", beam " + beam);
            assertEquals(best.ended(), beam.ended());
            assertEquals(best.logProb(), beam.logProb(), 1e-12);
        }
    }

    /** Every caption of at most maxLength tokens with its log-probability, by depth-first search. */
    private static void enumerate(CaptioningModel m, DecoderState s, int word, int[] prefix, double logProb,
                                  int maxLength, List<Caption> out) {
        double[] lp = LogSoftmax.rows(m.decodeStep(s, new int[] {word}));
        for (int w = 0; w < lp.length; w++) {
            int[] longer = Arrays.copyOf(prefix, prefix.length + 1);
            longer[prefix.length] = w;
            if (w == END) {
                out.add(new Caption(prefix, true, logProb + lp[w]));
            } else if (longer.length == maxLength) {
                out.add(new Caption(longer, false, logProb + lp[w]));
            } else {
                enumerate(m, s.select(new int[] {0}), w, longer, logProb + lp[w], maxLength, out);
            }
        }
    }

    @Test
    void temperatureSamplingIsReproducibleWithItsSeed() {
        Random rng = new Random(6);
        CaptioningModel m = randomModel(rng, CellType.LSTM, DType.FLOAT32, 20, 5);
        Tensor f = features(rng, m, 16);
        int[] idx = indices(16);
        Caption[] a = new TemperatureSampling(1.0, 42, 10).decode(m, f, idx);
        Caption[] b = new TemperatureSampling(1.0, 42, 10).decode(m, f, idx);
        Caption[] c = new TemperatureSampling(1.0, 43, 10).decode(m, f, idx);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.asList(a), Arrays.asList(c));
        // Each image draws from its own seeded stream: another image index gives other draws.
        int[] shifted = indices(16);
        Arrays.setAll(shifted, i -> i + 100);
        assertNotEquals(Arrays.asList(a), Arrays.asList(new TemperatureSampling(1.0, 42, 10).decode(m, f, shifted)));
    }

    @Test
    void aVeryLowTemperatureSamplesTheGreedyCaption() {
        Random rng = new Random(7);
        for (CellType cell : RECURRENT) {
            CaptioningModel m = randomModel(rng, cell, DType.FLOAT64, 15, 5);
            Tensor f = features(rng, m, 12);
            Caption[] greedy = new Greedy(8).decode(m, f, indices(12));
            Caption[] cold = new TemperatureSampling(1e-6, 3, 8).decode(m, f, indices(12));
            assertArrayEquals(greedy, cold);
        }
    }

    @Test
    void decodersRefuseBadSettingsInTheirOwnTerms() {
        // The command line checks its flags first and names them (EvalCommandsTest); these are the domain checks.
        assertMessage(() -> new BeamSearch(0, 0, 10), "beam size is 0; expected at least 1");
        assertMessage(() -> new BeamSearch(2, -1, 10), "length penalty is -1.0; expected a number >= 0");
        assertMessage(() -> new TemperatureSampling(0, 1, 10), "temperature is 0.0; expected a positive number");
        assertMessage(() -> new TemperatureSampling(-0.5, 1, 10), "temperature is -0.5");
        assertMessage(() -> new TemperatureSampling(Double.NaN, 1, 10), "temperature is NaN");
        assertMessage(() -> new Greedy(0), "max length is 0; expected at least 1");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String start) {
        String msg = assertThrows(captioner.BadInputException.class, e).getMessage();
        assertTrue(msg.startsWith(start), msg);
    }

    @Test
    void selectCopiesTheChosenRowsOfTheState() {
        Random rng = new Random(8);
        CaptioningModel m = randomModel(rng, CellType.LSTM, DType.FLOAT64, 9, 4);
        Tensor f = features(rng, m, 3);
        DecoderState s = m.startDecoding(f);
        m.decodeStep(s, new int[] {START, START, START});
        DecoderState t = s.select(new int[] {2, 0, 2, 1});
        assertEquals(4, t.rows());
        int h = m.config().hiddenDim();
        for (int[] pair : new int[][] {{0, 2}, {1, 0}, {2, 2}, {3, 1}}) {
            assertArrayEquals(s.h().view(pair[1] * h, h).toDoubleArray(), t.h().view(pair[0] * h, h).toDoubleArray());
        }
        // The copy decodes exactly as the rows it came from.
        double[] fromS = m.decodeStep(s, new int[] {4, 5, 6}).toDoubleArray();
        double[] fromT = m.decodeStep(t, new int[] {6, 4, 6, 5}).toDoubleArray();
        int v = m.config().vocabSize();
        assertArrayEquals(Arrays.copyOfRange(fromS, 2 * v, 3 * v), Arrays.copyOfRange(fromT, 0, v), 1e-12);
        assertArrayEquals(Arrays.copyOfRange(fromS, v, 2 * v), Arrays.copyOfRange(fromT, 3 * v, 4 * v), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> s.select(new int[] {3}));
    }
}
