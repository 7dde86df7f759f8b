package captioner.cli;

import captioner.eval.ModelFile;
import captioner.model.CaptioningModel;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A debug probe, not a test: counts the subnormal floats (nonzero, below {@link Float#MIN_NORMAL}) in every
 * intermediate of one float32 LSTM training step, recomputed here stage by stage with the kernels the layers use.
 * Usage: {@code SubnormalCensus CKPT|fresh DATA|embedded|random [N]} (run from the test classpath).
 */
public final class SubnormalCensus {
    private final Map<String, long[]> counts = new LinkedHashMap<>();

    public static void main(String[] args) {
        ModelFile model = args[0].equals("fresh") ? null
                : ModelFile.read("model", args[0], new org.apache.hadoop.conf.Configuration());
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        BenchBatch.Source source = args[1].equals("random") ? null : BenchBatch.Source.load(args[1], model);
        // An LSTM census: a checkpoint of another family is refused by the cast's message.
        ModelConfig config = model != null ? (ModelConfig) model.config()
                : ModelConfig.of(captioner.model.CellType.LSTM, source.vocab(), source.shard().featureDim(), 256, 512);
        Tensor params = model != null ? model.checkpoint().params().copy(DType.FLOAT32)
                : CaptioningModel.initialParams(config, DType.FLOAT32, 1);
        BenchBatch batch = source != null ? source.batch(n, DType.FLOAT32) : BenchBatch.random(config, n, 17, DType.FLOAT32);
        SubnormalCensus census = new SubnormalCensus();
        census.step(new CaptioningModel(config, params), batch);
        census.counts.forEach((stage, c) -> System.out.printf("%-22s %10d subnormal of %10d (%.2e)%n", stage, c[0], c[1],
                c[0] / (double) c[1]));
    }

    private void count(String stage, Tensor t) {
        long sub = 0;
        for (int i = 0; i < t.size(); i++) {
            float v = Math.abs((float) t.get(i));
            if (v != 0 && v < Float.MIN_NORMAL) {
                sub++;
            }
        }
        long[] c = counts.computeIfAbsent(stage, s -> new long[2]);
        c[0] += sub;
        c[1] += t.size();
    }

    /** The full time-major step (no packing), counting as it goes. */
    private void step(CaptioningModel model, BenchBatch batch) {
        ModelConfig c = model.config();
        Kernels k = Kernels.of(DType.FLOAT32);
        int n = batch.size();
        int length = batch.captionLength();
        int t = length - 1;
        int h = c.hiddenDim();
        int v = c.vocabSize();
        int[] in = new int[t * n];
        int[] out = new int[t * n];
        boolean[] mask = new boolean[t * n];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                in[s * n + i] = batch.captions()[i * length + s];
                out[s * n + i] = batch.captions()[i * length + s + 1];
                mask[s * n + i] = out[s * n + i] != c.nullIdx();
            }
        }
        Tensor h0 = Tensor.zeros(DType.FLOAT32, n, h);
        k.gemm(false, false, 1, batch.features(), model.param("W_proj"), 0, h0);
        k.addRowVector(h0, model.param("b_proj"));
        count("h0", h0);
        Tensor x = Tensor.zeros(DType.FLOAT32, t * n, c.wordvecDim());
        k.gatherRows(model.param("W_embed"), in, x);
        Tensor gates = Tensor.zeros(DType.FLOAT32, t, n, 4 * h);
        Tensor hs = Tensor.zeros(DType.FLOAT32, t + 1, n, h);
        Tensor cs = Tensor.zeros(DType.FLOAT32, t + 1, n, h);
        Tensor tanhC = Tensor.zeros(DType.FLOAT32, t, n, h);
        hs.slice(0).copyFrom(h0);
        k.gemm(false, false, 1, x, model.param("Wx"), 0, gates.reshape(t * n, 4 * h));
        k.addRowVector(gates, model.param("b"));
        for (int s = 0; s < t; s++) {
            Tensor a = gates.slice(s);
            k.gemm(false, false, 1, hs.slice(s), model.param("Wh"), 1, a);
            count("gate pre-activations", a);
            k.lstmGatesForward(a, cs.slice(s), cs.slice(s + 1), tanhC.slice(s), hs.slice(s + 1));
            countGates("gate", a, h);
            count("c", cs.slice(s + 1));
            count("tanh(c)", tanhC.slice(s));
            count("h", hs.slice(s + 1));
        }
        Tensor scores = Tensor.zeros(DType.FLOAT32, t * n, v);
        k.gemm(false, false, 1, hs.slices(1, t).reshape(t * n, h), model.param("W_vocab"), 0, scores);
        k.addRowVector(scores, model.param("b_vocab"));
        k.softmaxCrossEntropy(scores, out, mask, 1.0 / n, scores);
        count("dScores (p - y)/N", scores);
        Tensor grads = model.layout().zeros(DType.FLOAT32);
        Tensor dh = Tensor.zeros(DType.FLOAT32, t, n, h);
        k.gemm(true, false, 1, hs.slices(1, t).reshape(t * n, h), scores, 1, model.layout().view(grads, "W_vocab"));
        k.gemm(false, true, 1, scores, model.param("W_vocab"), 0, dh.reshape(t * n, h));
        count("dh from the scores", dh);
        Tensor da = Tensor.zeros(DType.FLOAT32, t, n, 4 * h);
        Tensor dNext = Tensor.zeros(DType.FLOAT32, n, h);
        Tensor dc = Tensor.zeros(DType.FLOAT32, n, h);
        Tensor total = Tensor.zeros(DType.FLOAT32, n, h);
        for (int s = t - 1; s >= 0; s--) {
            total.copyFrom(dh.slice(s));
            k.axpy(1, dNext, total);
            k.lstmGatesBackward(gates.slice(s), cs.slice(s), tanhC.slice(s), total, dc, da.slice(s));
            countGates("da", da.slice(s), h);
            count("dc", dc);
            k.gemm(false, true, 1, da.slice(s), model.param("Wh"), 0, dNext);
            count("dh_{t-1}", dNext);
        }
        Tensor daFlat = da.reshape(t * n, 4 * h);
        k.gemm(true, false, 1, x, daFlat, 1, model.layout().view(grads, "Wx"));
        k.gemm(true, false, 1, hs.slices(0, t).reshape(t * n, h), daFlat, 1, model.layout().view(grads, "Wh"));
        for (String p : new String[] {"W_vocab", "Wx", "Wh"}) {
            count("grad " + p, model.layout().view(grads, p));
        }
        for (String p : new String[] {"W_vocab", "Wx", "Wh", "W_embed"}) {
            count("param " + p, model.param(p));
        }
    }

    private void countGates(String what, Tensor a, int h) {
        String[] names = {"i", "f", "o", "g"};
        int rows = a.size() / (4 * h);
        for (int gate = 0; gate < 4; gate++) {
            Tensor block = Tensor.zeros(DType.FLOAT32, rows, h);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < h; j++) {
                    block.set(r * h + j, a.get(r * 4 * h + gate * h + j));
                }
            }
            count(what + " " + names[gate], block);
        }
    }
}
