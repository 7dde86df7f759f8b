package captioner.model;

import captioner.BadInputException;
import captioner.nn.Activation;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The sizes and settings of cs231n's {@code CaptioningTransformer}: V words, image features of width D, model
 * width W (word vectors and every layer), L post-norm decoder layers of H heads each (W divisible by H), a
 * feed-forward block of width F, the block's activation, the dropout probability and the number of positions.
 * Special tokens as in {@link ModelConfig}.
 *
 * <p>Parameters are laid out under PyTorch's {@code state_dict} names of cs231n's module, so checkpoints exchange
 * them with PyTorch unchanged: {@code visual_projection.weight} (W, D), {@code embedding.weight} (V, W),
 * {@code transformer.layers.l.self_attn.query.weight} (W, W) …, {@code .ffn.fc1.weight} (F, W),
 * {@code .norm_self.weight} (W,) …, {@code output.weight} (V, W), {@code output.bias} (V,).
 */
public record TransformerConfig(int vocabSize, int inputDim, int wordvecDim, int ffnDim, int layers, int heads,
                                Activation.Kind activation, double dropout, int maxLength, int nullIdx, int startIdx,
                                int endIdx) implements CaptionSpec {
    public static final int DEFAULT_LAYERS = 2;
    public static final int DEFAULT_HEADS = 4;
    public static final int DEFAULT_FFN = 2048;
    public static final Activation.Kind DEFAULT_ACTIVATION = Activation.Kind.GELU;
    public static final double DEFAULT_DROPOUT = 0.1;
    public static final int DEFAULT_MAX_LENGTH = 50;

    /** cs231n's initialisation scale of every Linear and Embedding weight but the output layer's. */
    static final double INIT_STD = 0.02;

    /** The two attention blocks of a decoder layer, in PyTorch's registration order. */
    static final String[] ATTENTIONS = {"self_attn", "cross_attn"};
    /** The projections of cs231n's MultiHeadAttention, in its registration order. */
    static final String[] PROJECTIONS = {"key", "query", "value", "proj"};
    /** The LayerNorms of a decoder layer. */
    static final String[] NORMS = {"norm_self", "norm_cross", "norm_ffn"};

    public TransformerConfig {
        positive("vocabulary size V", vocabSize);
        positive("feature width D", inputDim);
        positive("model width W", wordvecDim);
        positive("feed-forward width F", ffnDim);
        positive("decoder layers L", layers);
        positive("attention heads", heads);
        positive("maximum caption length", maxLength);
        if (wordvecDim % heads != 0) {
            throw new BadInputException("model width W " + wordvecDim + " is not divisible by " + heads
                    + " attention heads; expected W a multiple of the heads");
        }
        if (wordvecDim % 2 != 0) {
            throw new BadInputException("model width W " + wordvecDim + " is odd; expected an even width (the "
                    + "positional encoding pairs sines and cosines)");
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation: expected gelu or relu but got null");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new BadInputException("dropout " + dropout + ": expected a probability in [0, 1)");
        }
        ModelConfig.index("nullIdx", nullIdx, vocabSize, false);
        ModelConfig.index("startIdx", startIdx, vocabSize, true);
        ModelConfig.index("endIdx", endIdx, vocabSize, true);
    }

    @Override
    public CellType cell() {
        return CellType.TRANSFORMER;
    }

    /** The prefix of decoder layer {@code l}'s names, {@code transformer.layers.l.}. */
    static String layer(int l) {
        return "transformer.layers." + l + ".";
    }

    @Override
    public ParamLayout layout() {
        int w = wordvecDim;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("visual_projection.weight", new int[] {w, inputDim});
        shapes.put("visual_projection.bias", new int[] {w});
        shapes.put("embedding.weight", new int[] {vocabSize, w});
        for (int l = 0; l < layers; l++) {
            String p = layer(l);
            for (String attention : ATTENTIONS) {
                for (String projection : PROJECTIONS) {
                    shapes.put(p + attention + "." + projection + ".weight", new int[] {w, w});
                    shapes.put(p + attention + "." + projection + ".bias", new int[] {w});
                }
            }
            shapes.put(p + "ffn.fc1.weight", new int[] {ffnDim, w});
            shapes.put(p + "ffn.fc1.bias", new int[] {ffnDim});
            shapes.put(p + "ffn.fc2.weight", new int[] {w, ffnDim});
            shapes.put(p + "ffn.fc2.bias", new int[] {w});
            for (String norm : NORMS) {
                shapes.put(p + norm + ".weight", new int[] {w});
                shapes.put(p + norm + ".bias", new int[] {w});
            }
        }
        shapes.put("output.weight", new int[] {vocabSize, w});
        shapes.put("output.bias", new int[] {vocabSize});
        return new ParamLayout(shapes, "a transformer of " + vocabSize + " words, W=" + w + ", F=" + ffnDim + ", L="
                + layers);
    }

    /**
     * cs231n's initialisation: every Linear and Embedding weight N(0, 0.02²), their biases 0, LayerNorm γ 1 and
     * β 0; the output layer keeps PyTorch's default Linear init, U(±1/√W) for weight and bias (cs231n applies its
     * init before creating it). Draws come in layout order from one seeded stream.
     */
    @Override
    public Tensor initialParams(DType dtype, long seed) {
        ParamLayout layout = layout();
        Tensor flat = layout.zeros(dtype);
        Random rng = new Random(seed);
        double bound = 1 / Math.sqrt(wordvecDim);
        for (ParamLayout.Entry e : layout.entries()) {
            String name = e.name();
            boolean norm = name.contains(".norm_");
            for (int i = 0; i < e.size(); i++) {
                double v;
                if (name.startsWith("output.")) {
                    v = (2 * rng.nextDouble() - 1) * bound;
                } else if (norm) {
                    v = name.endsWith(".weight") ? 1 : 0;
                } else {
                    v = name.endsWith(".weight") ? rng.nextGaussian() * INIT_STD : 0;
                }
                flat.set(e.offset() + i, v);
            }
        }
        return flat;
    }

    /** {@link #maxLength}: the positional encoding has that many positions. */
    @Override
    public int positions() {
        return maxLength;
    }

    @Override
    public CaptioningTransformer newModel(Tensor params) {
        return new CaptioningTransformer(this, params);
    }

    @Override
    public String summary() {
        return "transformer (V=" + vocabSize + ", D=" + inputDim + ", W=" + wordvecDim + ", F=" + ffnDim + ", L="
                + layers + ", heads=" + heads + ", " + activation.label() + ", dropout " + dropout;
    }

    /** The same model with another dropout probability (0 for parity checks and gradient checks). */
    public TransformerConfig withDropout(double p) {
        return new TransformerConfig(vocabSize, inputDim, wordvecDim, ffnDim, layers, heads, activation, p, maxLength,
                nullIdx, startIdx, endIdx);
    }

    /**
     * Matrix-product FLOPs (2 per multiply-add) of one caption's forward and backward over {@code steps} positions,
     * counted as for the RNN (a product's backward is twice its forward): the visual projection (4DW, no input
     * gradient), per layer the four self-attention projections (6·T·4W²), the scores QKᵀ and the weighted values
     * (6·2·T²·W, full T×T though the causal half is zero), the cross-attention query and output projections
     * (6·T·2W²) and its key and value projections of the one memory position (6·2W²), its scores and values
     * (6·2·T·W), the feed-forward block (6·T·2WF); and the output scores (6·T·W·V).
     */
    @Override
    public double flopsPerCaption(int steps) {
        double t = steps;
        double w = wordvecDim;
        double perLayer = 6 * t * 4 * w * w + 6 * 2 * t * t * w + 6 * t * 2 * w * w + 6 * 2 * w * w + 6 * 2 * t * w
                + 6 * t * 2 * w * ffnDim;
        return 4.0 * inputDim * w + layers * perLayer + 6 * t * w * vocabSize;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new BadInputException(name + " " + value + ": expected a positive size");
        }
    }
}
