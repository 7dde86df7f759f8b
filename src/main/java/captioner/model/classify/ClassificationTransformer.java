package captioner.model.classify;

import captioner.model.DropoutKeys;
import captioner.model.ParamLayout;
import captioner.model.TrainableModel;
import captioner.nn.Activation;
import captioner.nn.BinaryCrossEntropy;
import captioner.nn.LayerNorm;
import captioner.nn.Linear;
import captioner.nn.MultiHeadAttention;
import captioner.nn.WordEmbedding;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * Seed 004's {@code ClassificationTransformer} over N sentences of T ≤ L token indices (CLS first, as the seed's
 * data has it): {@code x = token_embeddings[w] + position_embeddings[t]} (N, T, E); per head h
 * {@code softmax(Q_h K_hᵀ / √Dk) V_h} over all T positions (no padding mask, as the seed), heads concatenated
 * (N, T, H·Dv) and projected to E; {@code x1 = norm_mh(x + attention)}; {@code x2 = norm_ffn(x1 + W2·relu(W1·x1))};
 * the logit {@code z = final_dense(x2[:, 0])} (N,) and the score σ(z). The loss is binary cross-entropy from the
 * logit ({@link BinaryCrossEntropy}), summed over the sentences (divided by N in {@link #loss}).
 *
 * <p>The seed's per-head q/k/v Linears are one {@link MultiHeadAttention} whose stacked projections are
 * [q1; q2; …]: the parameters stay under the seed's names in the flat vector, so each batch copies the heads'
 * rows into the stacked weights (3·H·Dk·E numbers, against the N·T·E·F products of the feed-forward block) and
 * adds the stacked gradients back into each head's view.
 *
 * <p>As {@link TrainableModel} a batch is N rows of {@code T + 1} integers, the sentence's tokens then its
 * label (0 or 1); {@code features} must have N rows and is not read (a sentence has no image). An instance keeps
 * the buffers of its last batch, so it serves one thread at a time.
 */
public final class ClassificationTransformer implements TrainableModel {
    /** The head projections in the order {@link #headTensors} lists the stacked ones. */
    private static final String[] KINDS = {"q", "k", "v"};

    private final ClassifierConfig config;
    private final ParamLayout layout;
    private Tensor params;

    private final WordEmbedding tokenEmbedding = new WordEmbedding();
    private final WordEmbedding positionEmbedding = new WordEmbedding();
    private final MultiHeadAttention attention;
    private final LayerNorm normMh = new LayerNorm();
    private final Linear w1 = new Linear();
    private final Activation relu = new Activation(Activation.Kind.RELU);
    private final Linear w2 = new Linear();
    private final LayerNorm normFfn = new LayerNorm();
    private final Linear finalDense = new Linear();

    private int n;
    private int t;
    private int[] tokens = new int[0];
    private int[] labels = new int[0];
    private int[] positions = new int[0];
    private MultiHeadAttention.Params stacked;
    private MultiHeadAttention.Params stackedGrads;
    private Tensor x;
    private Tensor sum1;
    private Tensor sum2;
    private Tensor cls;
    private Tensor dLogits;
    private Tensor dCls;
    private Tensor dx2;
    private Tensor dSum;
    private Tensor dHidden;
    private Tensor dx1;
    private Tensor dx;
    private Tensor dKey;
    private Tensor dValue;

    /** A model over existing parameters {@code params} (flat, the layout's size); no copy. */
    public ClassificationTransformer(ClassifierConfig config, Tensor params) {
        this.config = config;
        this.layout = config.layout();
        this.attention = new MultiHeadAttention(config.heads(), 0);
        setParams(params);
    }

    public ClassifierConfig config() {
        return config;
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public Tensor params() {
        return params;
    }

    @Override
    public void setParams(Tensor params) {
        Shapes.require("params", params, layout.size());
        this.params = params;
    }

    public DType dtype() {
        return params.dtype();
    }

    /** The view of parameter {@code name}. */
    public Tensor param(String name) {
        return layout.view(params, name);
    }

    /**
     * The logits z (N,) of N sentences, a new tensor.
     *
     * @param sentences N rows of {@code length} token indices, row-major
     */
    public Tensor logits(int[] sentences, int length) {
        int rows = checkSentences(sentences, length, length);
        System.arraycopy(sentences, 0, tokens(rows, length), 0, sentences.length);
        return forward().copy(params.dtype()).reshape(rows);
    }

    /** The seed's output, σ(z) (N,): the probability that each sentence is acceptable. A new float64 tensor. */
    public Tensor scores(int[] sentences, int length) {
        Tensor z = logits(sentences, length);
        Tensor out = Tensor.zeros(DType.FLOAT64, z.size());
        for (int i = 0; i < z.size(); i++) {
            out.set(i, BinaryCrossEntropy.sigmoid(z.get(i)));
        }
        return out;
    }

    /**
     * The loss summed over N labelled sentences, adding its gradient into {@code grads} unless null.
     *
     * @param sentences N rows of {@code length} token indices
     * @param labels    N labels, 0 or 1
     */
    public double lossSum(int[] sentences, int length, int[] labels, Tensor grads) {
        int rows = checkSentences(sentences, length, length);
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels: expected one per sentence, " + rows + ", but got "
                    + labels.length);
        }
        System.arraycopy(sentences, 0, tokens(rows, length), 0, sentences.length);
        System.arraycopy(labels, 0, this.labels, 0, rows);
        return lossAndGradient(grads, 1.0);
    }

    @Override
    public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout) {
        return labelledRows(features, captions, captionLength, grads, 1.0);
    }

    @Override
    public double loss(Tensor features, int[] captions, int captionLength, Tensor grads) {
        return labelledRows(features, captions, captionLength, grads, 1.0 / Math.max(features.dim(0), 1));
    }

    private double labelledRows(Tensor features, int[] rows, int rowLength, Tensor grads, double scale) {
        int count = checkSentences(rows, rowLength - 1, rowLength);
        if (features.rank() == 0 || features.dim(0) != count) {
            throw new IllegalArgumentException("features: expected " + count + " rows (one per sentence) but got "
                    + Shapes.format(features.shape()));
        }
        int length = rowLength - 1;
        int[] words = tokens(count, length);
        for (int i = 0; i < count; i++) {
            System.arraycopy(rows, i * rowLength, words, i * length, length);
            labels[i] = rows[i * rowLength + length];
        }
        return lossAndGradient(grads, scale);
    }

    /** The batch's loss (already in {@link #tokens} and {@link #labels}) times scale; adds its gradient. */
    private double lossAndGradient(Tensor grads, double scale) {
        if (grads != null) {
            Shapes.require("grads", grads, layout.size());
            Shapes.requireDType("grads", grads, params.dtype());
        }
        DType dtype = params.dtype();
        Tensor logits = forward();
        dLogits = Tensor.reuse(dLogits, dtype, n, 1);
        double loss = BinaryCrossEntropy.forwardBackward(logits, labels, scale, dLogits);
        if (grads != null) {
            backward(grads);
        }
        return loss;
    }

    /** The forward pass of the batch in {@link #tokens}; returns the logits (N, 1), a buffer of final_dense. */
    private Tensor forward() {
        int e = config.hidden();
        DType dtype = params.dtype();
        Kernels k = Kernels.of(dtype);
        Tensor words = tokenEmbedding.forward(tokens, param(ClassifierConfig.TOKENS));
        Tensor place = positionEmbedding.forward(positions, param(ClassifierConfig.POSITIONS));
        x = Tensor.reuse(x, dtype, n, t, e);
        x.copyFrom(words.reshape(n, t, e));
        k.axpy(1, place.reshape(n, t, e), x);
        stackHeads();
        Tensor a = attention.forward(x, x, null, stacked, null);
        sum1 = residual(k, x, a, sum1);
        Tensor x1 = normMh.forward(sum1, param(ClassifierConfig.NORM_MH + ".weight"),
                param(ClassifierConfig.NORM_MH + ".bias"));
        Tensor h = relu.forward(w1.forward(x1, param(ClassifierConfig.W1 + ".weight"),
                param(ClassifierConfig.W1 + ".bias")));
        Tensor f = w2.forward(h, param(ClassifierConfig.W2 + ".weight"), param(ClassifierConfig.W2 + ".bias"));
        sum2 = residual(k, x1, f, sum2);
        Tensor x2 = normFfn.forward(sum2, param(ClassifierConfig.NORM_FFN + ".weight"),
                param(ClassifierConfig.NORM_FFN + ".bias"));
        // The seed's final_layer reads position 0, where its data puts CLS.
        cls = Tensor.reuse(cls, dtype, n, e);
        for (int i = 0; i < n; i++) {
            cls.slice(i).copyFrom(x2.slice(i).slice(0));
        }
        return finalDense.forward(cls, param(ClassifierConfig.FINAL + ".weight"), param(ClassifierConfig.FINAL + ".bias"));
    }

    /** Backward of the last forward from {@link #dLogits}; adds every parameter's gradient into {@code grads}. */
    private void backward(Tensor grads) {
        int e = config.hidden();
        DType dtype = params.dtype();
        Kernels k = Kernels.of(dtype);
        dCls = Tensor.reuse(dCls, dtype, n, e);
        finalDense.backward(dLogits, dCls, grad(grads, ClassifierConfig.FINAL + ".weight"),
                grad(grads, ClassifierConfig.FINAL + ".bias"));
        dx2 = Tensor.reuse(dx2, dtype, n, t, e);
        dx2.fill(0);
        for (int i = 0; i < n; i++) {
            dx2.slice(i).slice(0).copyFrom(dCls.slice(i));
        }
        // Feed-forward block: d(sum2) flows to x1 directly and through W2·relu·W1.
        dSum = Tensor.reuse(dSum, dtype, n, t, e);
        normFfn.backward(dx2, dSum, grad(grads, ClassifierConfig.NORM_FFN + ".weight"),
                grad(grads, ClassifierConfig.NORM_FFN + ".bias"));
        dHidden = Tensor.reuse(dHidden, dtype, n * t, config.ffnDim());
        w2.backward(dSum, dHidden, grad(grads, ClassifierConfig.W2 + ".weight"), grad(grads, ClassifierConfig.W2 + ".bias"));
        relu.backward(dHidden, dHidden);
        dx1 = Tensor.reuse(dx1, dtype, n, t, e);
        w1.backward(dHidden, dx1, grad(grads, ClassifierConfig.W1 + ".weight"), grad(grads, ClassifierConfig.W1 + ".bias"));
        k.axpy(1, dSum, dx1);
        // Attention block: queries, keys and values all come from x, which also passes through the residual.
        normMh.backward(dx1, dSum, grad(grads, ClassifierConfig.NORM_MH + ".weight"),
                grad(grads, ClassifierConfig.NORM_MH + ".bias"));
        zeroStackedGrads();
        dx = Tensor.reuse(dx, dtype, n, t, e);
        dKey = Tensor.reuse(dKey, dtype, n, t, e);
        dValue = Tensor.reuse(dValue, dtype, n, t, e);
        attention.backward(dSum, dx, dKey, dValue, withProjection(stackedGrads,
                grad(grads, ClassifierConfig.PROJECTION + ".weight"), grad(grads, ClassifierConfig.PROJECTION + ".bias")));
        unstackHeadGrads(grads);
        k.axpy(1, dSum, dx);
        k.axpy(1, dKey, dx);
        k.axpy(1, dValue, dx);
        Tensor rows = dx.reshape(n * t, e);
        tokenEmbedding.backward(rows, grad(grads, ClassifierConfig.TOKENS));
        positionEmbedding.backward(rows, grad(grads, ClassifierConfig.POSITIONS));
    }

    /** Copies each head's q, k, v rows into the attention's stacked projections [head 1; head 2; …]. */
    private void stackHeads() {
        int heads = config.heads();
        int e = config.hidden();
        int qk = heads * config.dimK();
        int v = heads * config.dimV();
        DType dtype = params.dtype();
        if (stacked == null || stacked.queryWeight().dtype() != dtype) {
            stacked = new MultiHeadAttention.Params(Tensor.zeros(dtype, qk, e), Tensor.zeros(dtype, qk),
                    Tensor.zeros(dtype, qk, e), Tensor.zeros(dtype, qk), Tensor.zeros(dtype, v, e), Tensor.zeros(dtype, v),
                    null, null);
            stackedGrads = new MultiHeadAttention.Params(Tensor.zeros(dtype, qk, e), Tensor.zeros(dtype, qk),
                    Tensor.zeros(dtype, qk, e), Tensor.zeros(dtype, qk), Tensor.zeros(dtype, v, e), Tensor.zeros(dtype, v),
                    null, null);
        }
        Tensor[] targets = headTensors(stacked);
        for (int h = 1; h <= heads; h++) {
            for (int j = 0; j < 3; j++) {
                String kind = KINDS[j];
                int width = kind.equals("v") ? config.dimV() : config.dimK();
                targets[2 * j].view((h - 1) * width * e, width, e).copyFrom(param(ClassifierConfig.head(kind, h) + ".weight"));
                targets[2 * j + 1].view((h - 1) * width, width).copyFrom(param(ClassifierConfig.head(kind, h) + ".bias"));
            }
        }
        stacked = withProjection(stacked, param(ClassifierConfig.PROJECTION + ".weight"),
                param(ClassifierConfig.PROJECTION + ".bias"));
    }

    private void zeroStackedGrads() {
        for (Tensor g : headTensors(stackedGrads)) {
            g.fill(0);
        }
    }

    /** Adds the stacked q, k, v gradients into each head's views of {@code grads}. */
    private void unstackHeadGrads(Tensor grads) {
        int e = config.hidden();
        Kernels k = Kernels.of(params.dtype());
        Tensor[] sources = headTensors(stackedGrads);
        for (int h = 1; h <= config.heads(); h++) {
            for (int j = 0; j < 3; j++) {
                String kind = KINDS[j];
                int width = kind.equals("v") ? config.dimV() : config.dimK();
                k.axpy(1, sources[2 * j].view((h - 1) * width * e, width, e),
                        grad(grads, ClassifierConfig.head(kind, h) + ".weight"));
                k.axpy(1, sources[2 * j + 1].view((h - 1) * width, width),
                        grad(grads, ClassifierConfig.head(kind, h) + ".bias"));
            }
        }
    }

    /** The stacked projections' tensors in the order of {@link #KINDS}: weight, bias of q, then k, then v. */
    private static Tensor[] headTensors(MultiHeadAttention.Params p) {
        return new Tensor[] {p.queryWeight(), p.queryBias(), p.keyWeight(), p.keyBias(), p.valueWeight(),
            p.valueBias()};
    }

    private static MultiHeadAttention.Params withProjection(MultiHeadAttention.Params p, Tensor weight, Tensor bias) {
        return new MultiHeadAttention.Params(p.queryWeight(), p.queryBias(), p.keyWeight(), p.keyBias(),
                p.valueWeight(), p.valueBias(), weight, bias);
    }

    private Tensor grad(Tensor grads, String name) {
        return layout.view(grads, name);
    }

    /** The token and label buffers for N sentences of T tokens; sets N, T and the position indices. */
    private int[] tokens(int rows, int length) {
        if (rows != n || length != t || tokens.length != rows * length) {
            tokens = new int[rows * length];
            labels = new int[rows];
            positions = new int[rows * length];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i % length;
            }
        }
        n = rows;
        t = length;
        return tokens;
    }

    /** Checks N rows of {@code stride} integers whose first {@code length} are tokens; returns N. */
    private int checkSentences(int[] rows, int length, int stride) {
        if (length < 1 || length > config.maxLength()) {
            throw new IllegalArgumentException("sentences of " + length + " tokens: the model has 1 to "
                    + config.maxLength() + " positions");
        }
        if (rows.length % stride != 0) {
            throw new IllegalArgumentException("sentences: " + rows.length + " integers are not rows of " + stride);
        }
        int count = rows.length / stride;
        for (int i = 0; i < count; i++) {
            for (int s = 0; s < length; s++) {
                int w = rows[i * stride + s];
                if (w < 0 || w >= config.vocabSize()) {
                    throw new IllegalArgumentException("token " + w + " of sentence " + i + " at position " + s
                            + " is outside the vocabulary range [0, " + config.vocabSize() + ")");
                }
            }
        }
        return count;
    }

    private static Tensor residual(Kernels k, Tensor x, Tensor y, Tensor buffer) {
        Tensor out = Tensor.reuse(buffer, x.dtype(), x.shape());
        out.copyFrom(x);
        k.axpy(1, y, out);
        return out;
    }
}
