package captioner.model.classify;

import captioner.BadInputException;
import captioner.model.CellType;
import captioner.model.ModelSpec;
import captioner.model.ParamLayout;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The sizes of seed 004's {@code ClassificationTransformer(word_to_ix, hidden_dim, num_heads, dim_feedforward,
 * dim_k, dim_v, dim_q, max_length)}: V words, hidden width E, H heads each projecting to Dk (queries and keys, the
 * seed's dim_q = dim_k) and Dv (values), a feed-forward block of width F and at most L positions.
 *
 * <p>Parameters are laid out under the seed's {@code state_dict} names and PyTorch's layouts, in its registration
 * order, so weights pass between the seed's PyTorch model and ours unchanged: {@code token_embeddings.weight}
 * (V, E), {@code position_embeddings.weight} (L, E), per head h = 1..H {@code kh.weight} (Dk, E), {@code kh.bias},
 * {@code vh.weight} (Dv, E), {@code vh.bias}, {@code qh.weight} (Dk, E), {@code qh.bias};
 * {@code attention_head_projection.weight} (E, H·Dv), {@code norm_mh.weight} (E,), {@code W1.weight} (F, E),
 * {@code W2.weight} (E, F), {@code norm_ffn.weight}, {@code final_dense.weight} (1, E) and each one's bias.
 */
public record ClassifierConfig(int vocabSize, int hidden, int heads, int ffnDim, int dimK, int dimV, int maxLength)
        implements ModelSpec {
    /**
     * The feature width of a sentence: none is read, but the training loop's shards carry one placeholder feature
     * per sentence ({@code captioner.data.classify.SentenceShards}).
     */
    public static final int FEATURE_WIDTH = 1;

    /** The seed's constructor defaults (its CoLA data is padded to 43 tokens). */
    public static final int DEFAULT_HIDDEN = 128;
    public static final int DEFAULT_HEADS = 2;
    public static final int DEFAULT_FFN = 2048;
    public static final int DEFAULT_DIM_K = 96;
    public static final int DEFAULT_DIM_V = 96;
    public static final int DEFAULT_MAX_LENGTH = 43;

    static final String TOKENS = "token_embeddings.weight";
    static final String POSITIONS = "position_embeddings.weight";
    static final String PROJECTION = "attention_head_projection";
    static final String NORM_MH = "norm_mh";
    static final String W1 = "W1";
    static final String W2 = "W2";
    static final String NORM_FFN = "norm_ffn";
    static final String FINAL = "final_dense";
    /** A head's projections in the seed's registration order. */
    static final String[] HEAD_PROJECTIONS = {"k", "v", "q"};

    public ClassifierConfig {
        positive("vocabulary size V", vocabSize);
        positive("hidden width", hidden);
        positive("attention heads", heads);
        positive("feed-forward width", ffnDim);
        positive("key/query width dim_k", dimK);
        positive("value width dim_v", dimV);
        positive("maximum sentence length", maxLength);
    }

    /** The seed's sizes for a vocabulary of V words. */
    public static ClassifierConfig seedDefaults(int vocabSize) {
        return new ClassifierConfig(vocabSize, DEFAULT_HIDDEN, DEFAULT_HEADS, DEFAULT_FFN, DEFAULT_DIM_K, DEFAULT_DIM_V,
                DEFAULT_MAX_LENGTH);
    }

    /** The name of head h's (1-based, as the seed's {@code q1}, {@code q2}) projection {@code kind} (k, v or q). */
    static String head(String kind, int h) {
        return kind + h;
    }

    @Override
    public CellType cell() {
        return CellType.CLASSIFIER;
    }

    @Override
    public int inputDim() {
        return FEATURE_WIDTH;
    }

    @Override
    public ParamLayout layout() {
        int e = hidden;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(TOKENS, new int[] {vocabSize, e});
        shapes.put(POSITIONS, new int[] {maxLength, e});
        for (int h = 1; h <= heads; h++) {
            for (String kind : HEAD_PROJECTIONS) {
                int width = kind.equals("v") ? dimV : dimK;
                shapes.put(head(kind, h) + ".weight", new int[] {width, e});
                shapes.put(head(kind, h) + ".bias", new int[] {width});
            }
        }
        linear(shapes, PROJECTION, e, heads * dimV);
        norm(shapes, NORM_MH, e);
        linear(shapes, W1, ffnDim, e);
        linear(shapes, W2, e, ffnDim);
        norm(shapes, NORM_FFN, e);
        linear(shapes, FINAL, 1, e);
        return new ParamLayout(shapes, "a classifier of " + vocabSize + " words, hidden " + e + ", feed-forward "
                + ffnDim + ", " + heads + " heads");
    }

    /**
     * PyTorch's default initialisation, drawn in layout order from one stream seeded by {@code seed}: embeddings
     * N(0, 1), every Linear's weight and bias U(±1/√fan_in) (kaiming_uniform with a = √5 gives that bound),
     * LayerNorm γ 1 and β 0.
     */
    @Override
    public Tensor initialParams(DType dtype, long seed) {
        ParamLayout layout = layout();
        Tensor flat = layout.zeros(dtype);
        Random rng = new Random(seed);
        Map<String, Integer> fanIn = new LinkedHashMap<>();
        for (ParamLayout.Entry e : layout.entries()) {
            if (e.shape().length == 2) {
                fanIn.put(e.name().substring(0, e.name().lastIndexOf('.')), e.shape()[1]);
            }
        }
        for (ParamLayout.Entry e : layout.entries()) {
            String module = e.name().substring(0, e.name().lastIndexOf('.'));
            boolean weight = e.name().endsWith(".weight");
            for (int i = 0; i < e.size(); i++) {
                double v;
                if (e.name().equals(TOKENS) || e.name().equals(POSITIONS)) {
                    v = rng.nextGaussian();
                } else if (module.equals(NORM_MH) || module.equals(NORM_FFN)) {
                    v = weight ? 1 : 0;
                } else {
                    v = (2 * rng.nextDouble() - 1) / Math.sqrt(fanIn.get(module));
                }
                flat.set(e.offset() + i, v);
            }
        }
        return flat;
    }

    @Override
    public ClassificationTransformer newModel(Tensor params) {
        return new ClassificationTransformer(this, params);
    }

    /** The sizes for progress lines, {@code classifier (V=1542, E=128, heads=2, Dk=96, Dv=96, F=2048, L=43}. */
    @Override
    public String summary() {
        return "classifier (V=" + vocabSize + ", E=" + hidden + ", heads=" + heads + ", Dk=" + dimK + ", Dv=" + dimV
                + ", F=" + ffnDim + ", L=" + maxLength;
    }

    /** The sizes for messages: {@link #summary()} closed. */
    public String describe() {
        return summary() + ")";
    }

    private static void linear(Map<String, int[]> shapes, String name, int out, int in) {
        shapes.put(name + ".weight", new int[] {out, in});
        shapes.put(name + ".bias", new int[] {out});
    }

    private static void norm(Map<String, int[]> shapes, String name, int width) {
        shapes.put(name + ".weight", new int[] {width});
        shapes.put(name + ".bias", new int[] {width});
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new BadInputException(name + " " + value + ": expected a positive size");
        }
    }
}
