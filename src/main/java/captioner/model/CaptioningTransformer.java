package captioner.model;

import captioner.nn.Dropout;
import captioner.nn.Linear;
import captioner.nn.MultiHeadAttention;
import captioner.nn.PositionalEncoding;
import captioner.nn.TemporalSoftmaxLoss;
import captioner.nn.WordEmbedding;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * cs231n's {@code CaptioningTransformer}: image features (N, D) → one memory position (N, 1, W) by the visual
 * projection; caption words → word vectors plus the sinusoidal positional encoding, then dropout; L post-norm
 * {@link DecoderLayer}s (causal self-attention, cross-attention to the memory, feed-forward block); scores
 * (N, T, V) by the output layer, and the product's loss: the masked cross-entropy summed over time and divided
 * by N. Parameters live in one flat vector under PyTorch's names ({@link TransformerConfig#layout}).
 * cs231n's embedding has {@code padding_idx = <NULL>}, so the {@code <NULL>} row's gradient is always 0.
 * An instance keeps the buffers of its last batch, so it serves one thread at a time.
 */
public final class CaptioningTransformer extends FlatParamModel
        implements CaptionGenerator<TransformerDecoderState> {
    /** The dropout site of the embedding (the layers' sites follow it). */
    private static final int EMBEDDING_SITE = 0;

    private final TransformerConfig config;

    private final Linear visualProjection = new Linear();
    private final WordEmbedding embedding = new WordEmbedding();
    private final PositionalEncoding positions;
    private final Dropout embeddingDropout;
    private final DecoderLayer[] layers;
    private final Linear output = new Linear();

    private int[] wordsIn = new int[0];
    private int[] wordsOut = new int[0];
    private boolean[] mask = new boolean[0];
    private boolean[] causal = new boolean[0];
    private Tensor dx;
    private Tensor dMemory;

    /** A model over existing parameters {@code params} (flat, the layout's size); no copy. */
    public CaptioningTransformer(TransformerConfig config, Tensor params) {
        super(config.layout(), params);
        this.config = config;
        this.positions = new PositionalEncoding(config.wordvecDim(), config.maxLength(), dtype());
        this.embeddingDropout = new Dropout(config.dropout());
        this.layers = new DecoderLayer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new DecoderLayer(config, l);
        }
    }

    @Override
    public TransformerConfig config() {
        return config;
    }

    /** The loss averaged over the N captions, without dropout (as cs231n's {@code loss} at dropout 0). */
    @Override
    public double loss(Tensor features, int[] captions, int captionLength, Tensor grads) {
        return loss(features, captions, captionLength, grads, null, 1.0 / Math.max(features.dim(0), 1));
    }

    @Override
    public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout) {
        return loss(features, captions, captionLength, grads, dropout, 1.0);
    }

    private double loss(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout,
                        double scale) {
        if (grads != null) {
            Shapes.require("grads", grads, layout.size());
            Shapes.requireDType("grads", grads, dtype());
        }
        int n = features.dim(0);
        int t = captionLength - 1;
        int w = config.wordvecDim();
        DType dtype = dtype();
        Tensor scores = forward(features, captions, captionLength, dropout);
        // The gradient overwrites the scores in place: the (N·T, V) block is the largest activation.
        double loss = TemporalSoftmaxLoss.forwardBackward(scores, wordsOut, mask, scale, scores);
        if (grads == null) {
            return loss;
        }
        dx = Tensor.reuse(dx, dtype, n, t, w);
        dMemory = Tensor.reuse(dMemory, dtype, n, 1, w);
        dMemory.fill(0);
        output.backward(scores, dx, layout.view(grads, "output.weight"), layout.view(grads, "output.bias"));
        for (int l = layers.length - 1; l >= 0; l--) {
            layers[l].backward(dx, dMemory, layout, grads);
        }
        embeddingDropout.backward(dx, dx);
        // The positional encoding passes the gradient through unchanged; <NULL> is the embedding's padding_idx.
        Tensor rows = dx.reshape(n * t, w);
        for (int r = 0; r < wordsIn.length; r++) {
            if (wordsIn[r] == config.nullIdx()) {
                rows.slice(r).fill(0);
            }
        }
        embedding.backward(rows, layout.view(grads, "embedding.weight"));
        visualProjection.backward(dMemory.reshape(n, w), null, layout.view(grads, "visual_projection.weight"),
                layout.view(grads, "visual_projection.bias"));
        return loss;
    }

    /**
     * Starts decoding N captions: projects the features to the memory and, per layer, the memory's cross-attention
     * keys and values. The first {@link #decodeStep} then takes {@code <START>}.
     *
     * @param features (N, D)
     */
    @Override
    public TransformerDecoderState startDecoding(Tensor features) {
        Shapes.requireRank("features", features, 2, "(N, D)");
        if (config.startIdx() < 0 || config.endIdx() < 0) {
            throw new IllegalStateException("decoding needs <START> and <END> in the vocabulary");
        }
        int n = features.dim(0);
        Shapes.require("features", features, n, config.inputDim());
        Shapes.requireDType("features", features, dtype());
        int w = config.wordvecDim();
        DType dtype = dtype();
        Tensor memory = new Linear().forward(features, param("visual_projection.weight"), param("visual_projection.bias"))
                .copy(dtype);
        int l = layers.length;
        Tensor[] keys = new Tensor[l];
        Tensor[] values = new Tensor[l];
        Tensor[] memoryKeys = new Tensor[l];
        Tensor[] memoryValues = new Tensor[l];
        for (int i = 0; i < l; i++) {
            keys[i] = Tensor.zeros(dtype, n, config.maxLength(), w);
            values[i] = Tensor.zeros(dtype, n, config.maxLength(), w);
            String cross = TransformerConfig.layer(i) + "cross_attn.";
            memoryKeys[i] = project(memory, cross + "key").reshape(n, 1, w);
            memoryValues[i] = project(memory, cross + "value").reshape(n, 1, w);
        }
        return new TransformerDecoderState(keys, values, memoryKeys, memoryValues, 0);
    }

    /**
     * One decoding step for every row of {@code state}: feeds {@code previousWords} (N) at the next position, adds
     * its keys and values to the cache, and returns the scores of the next word, (N, V), a new tensor. Without
     * dropout; equal to the full forward's scores at that position (a test checks it).
     */
    @Override
    public Tensor decodeStep(TransformerDecoderState state, int[] previousWords) {
        int n = state.rows();
        if (previousWords.length != n) {
            throw new IllegalArgumentException("previousWords: expected one word for each of the state's " + n
                    + " rows but got " + previousWords.length);
        }
        int p = state.position;
        if (p >= config.maxLength()) {
            throw new IllegalArgumentException("the model has " + config.maxLength() + " positions; all are fed");
        }
        int w = config.wordvecDim();
        DType dtype = dtype();
        Kernels k = Kernels.of(dtype);
        Tensor x = new WordEmbedding().forward(previousWords, param("embedding.weight")).copy(dtype);
        Tensor pe = positions.table().slice(p);
        for (int i = 0; i < n; i++) {
            k.axpy(1, pe, x.slice(i));
        }
        for (int l = 0; l < layers.length; l++) {
            String prefix = TransformerConfig.layer(l);
            Tensor q = project(x, prefix + "self_attn.query");
            Tensor key = project(x, prefix + "self_attn.key");
            Tensor value = project(x, prefix + "self_attn.value");
            for (int i = 0; i < n; i++) {
                state.keys[l].slice(i).slice(p).copyFrom(key.slice(i));
                state.values[l].slice(i).slice(p).copyFrom(value.slice(i));
            }
            Tensor a = project(attend(q, state.keys[l], state.values[l], p + 1), prefix + "self_attn.proj");
            x = norm(x, a, prefix + "norm_self");
            Tensor cq = project(x, prefix + "cross_attn.query");
            Tensor c = project(attend(cq, state.memoryKeys[l], state.memoryValues[l], 1), prefix + "cross_attn.proj");
            x = norm(x, c, prefix + "norm_cross");
            Tensor h = project(x, prefix + "ffn.fc1");
            Tensor f = project(new captioner.nn.Activation(config.activation()).forward(h), prefix + "ffn.fc2");
            x = norm(x, f, prefix + "norm_ffn");
        }
        state.position = p + 1;
        return project(x, "output").reshape(n, config.vocabSize());
    }

    /**
     * The scores (N, T, V) of the full forward without dropout for N word prefixes of length T (row-major): what
     * each {@link #decodeStep} must reproduce at its position.
     */
    public Tensor prefixScores(Tensor features, int[] prefixes, int t) {
        int n = features.dim(0);
        int[] captions = new int[n * (t + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prefixes, i * t, captions, i * (t + 1), t);
        }
        return forward(features, captions, t + 1, null).copy(dtype()).reshape(n, t, config.vocabSize());
    }

    /** {@code x·Wᵀ + b} of the Linear named {@code name} (x: (M, in)), a new tensor. */
    private Tensor project(Tensor x, String name) {
        return new Linear().forward(x, param(name + ".weight"), param(name + ".bias")).copy(dtype());
    }

    /** LN(x + y) of the LayerNorm named {@code name}, a new tensor. */
    private Tensor norm(Tensor x, Tensor y, String name) {
        Kernels.of(dtype()).axpy(1, x, y);
        return new captioner.nn.LayerNorm().forward(y, param(name + ".weight"), param(name + ".bias"))
                .copy(dtype());
    }

    /**
     * Multi-head attention of one query per row, q (N, W), over the first {@code length} cached positions of keys
     * and values (N, L, W): per head, softmax of the scaled dot products, then the weighted values. Returns (N, W).
     */
    private Tensor attend(Tensor q, Tensor keys, Tensor values, int length) {
        int n = q.dim(0);
        int w = config.wordvecDim();
        int heads = config.heads();
        int dh = w / heads;
        double scale = 1 / Math.sqrt(dh);
        Tensor out = Tensor.zeros(dtype(), n, w);
        double[] scores = new double[length];
        for (int i = 0; i < n; i++) {
            Tensor ki = keys.slice(i);
            Tensor vi = values.slice(i);
            for (int h = 0; h < heads; h++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    double s = 0;
                    for (int e = h * dh; e < (h + 1) * dh; e++) {
                        s += q.get(i * w + e) * ki.get(j * w + e);
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = 0; j < length; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int e = h * dh; e < (h + 1) * dh; e++) {
                    double y = 0;
                    for (int j = 0; j < length; j++) {
                        y += scores[j] / total * vi.get(j * w + e);
                    }
                    out.set(i * w + e, y);
                }
            }
        }
        return out;
    }

    /** The forward pass of a batch (checked) up to the scores (N·T, V), a buffer of the output layer. */
    private Tensor forward(Tensor features, int[] captions, int captionLength, DropoutKeys dropout) {
        int n = checkBatch(features, captions, captionLength);
        int t = captionLength - 1;
        int w = config.wordvecDim();
        splitCaptions(captions, n, captionLength);
        Tensor memory = visualProjection.forward(features, param("visual_projection.weight"),
                param("visual_projection.bias")).reshape(n, 1, w);
        Tensor x = embedding.forward(wordsIn, param("embedding.weight")).reshape(n, t, w);
        x = positions.forward(x);
        x = embeddingDropout.forward(x, dropout == null ? null : dropout.site(EMBEDDING_SITE, n));
        if (causal.length != t * t) {
            causal = MultiHeadAttention.causalMask(t);
        }
        for (DecoderLayer layer : layers) {
            x = layer.forward(x, memory, causal, layout, params(), dropout);
        }
        return output.forward(x, param("output.weight"), param("output.bias")).reshape(n * t, config.vocabSize());
    }

    /** Batch-major input words, target words and mask (target is not {@code <NULL>}) of a batch. */
    private void splitCaptions(int[] captions, int n, int length) {
        int t = length - 1;
        if (wordsIn.length != t * n) {
            wordsIn = new int[t * n];
            wordsOut = new int[t * n];
            mask = new boolean[t * n];
        }
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                int word = captions[i * length + s + 1];
                wordsIn[i * t + s] = captions[i * length + s];
                wordsOut[i * t + s] = word;
                mask[i * t + s] = word != config.nullIdx();
            }
        }
    }

    /** Checks shapes, dtype, length and word range of a batch; returns N. */
    private int checkBatch(Tensor features, int[] captions, int captionLength) {
        int n = CaptionBatch.check(features, captions, captionLength, config.inputDim(), config.vocabSize(),
                dtype());
        if (captionLength - 1 > config.maxLength()) {
            throw new IllegalArgumentException("captions of " + captionLength + " words feed " + (captionLength - 1)
                    + " positions but the model has " + config.maxLength());
        }
        return n;
    }
}
