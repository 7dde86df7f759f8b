package captioner.model;

import captioner.nn.Dropout;
import captioner.nn.Linear;
import captioner.nn.MultiHeadAttention;
import captioner.nn.PositionalEncoding;
import captioner.nn.TemporalSoftmaxLoss;
import captioner.nn.WordEmbedding;
import captioner.tensor.DType;
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
public final class CaptioningTransformer implements TrainableModel {
    /** The dropout site of the embedding (the layers' sites follow it). */
    private static final int EMBEDDING_SITE = 0;

    private final TransformerConfig config;
    private final ParamLayout layout;
    private Tensor params;

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
        this.config = config;
        this.layout = config.layout();
        this.positions = new PositionalEncoding(config.wordvecDim(), config.maxLength(), params.dtype());
        this.embeddingDropout = new Dropout(config.dropout());
        this.layers = new DecoderLayer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new DecoderLayer(config, l);
        }
        setParams(params);
    }

    public TransformerConfig config() {
        return config;
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    public DType dtype() {
        return params.dtype();
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

    /** The view of parameter {@code name}. */
    public Tensor param(String name) {
        return layout.view(params, name);
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
        int n = checkBatch(features, captions, captionLength);
        if (grads != null) {
            Shapes.require("grads", grads, layout.size());
            Shapes.requireDType("grads", grads, params.dtype());
        }
        int t = captionLength - 1;
        int w = config.wordvecDim();
        int v = config.vocabSize();
        splitCaptions(captions, n, captionLength);
        DType dtype = params.dtype();

        Tensor memory = visualProjection.forward(features, param("visual_projection.weight"),
                param("visual_projection.bias")).reshape(n, 1, w);
        Tensor x = embedding.forward(wordsIn, param("embedding.weight")).reshape(n, t, w);
        x = positions.forward(x);
        x = embeddingDropout.forward(x, dropout == null ? null : dropout.site(EMBEDDING_SITE, n));
        if (causal.length != t * t) {
            causal = MultiHeadAttention.causalMask(t);
        }
        for (DecoderLayer layer : layers) {
            x = layer.forward(x, memory, causal, layout, params, dropout);
        }
        Tensor scores = output.forward(x, param("output.weight"), param("output.bias")).reshape(n * t, v);
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
        Shapes.requireRank("features", features, 2, "(N, D)");
        int n = features.dim(0);
        Shapes.require("features", features, n, config.inputDim());
        Shapes.requireDType("features", features, params.dtype());
        if (captionLength < 2) {
            throw new IllegalArgumentException("captionLength: expected at least 2 (one word in, one out) but got "
                    + captionLength);
        }
        if (captionLength - 1 > config.maxLength()) {
            throw new IllegalArgumentException("captions of " + captionLength + " words feed " + (captionLength - 1)
                    + " positions but the model has " + config.maxLength());
        }
        if (captions.length != n * captionLength) {
            throw new IllegalArgumentException("captions: expected shape (" + n + ", " + captionLength + "), i.e. "
                    + n * captionLength + " indices for " + n + " feature rows, but got " + captions.length);
        }
        for (int i = 0; i < captions.length; i++) {
            if (captions[i] < 0 || captions[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("captions: index " + captions[i] + " at row " + i / captionLength
                        + ", column " + i % captionLength + " is outside the vocabulary range [0, "
                        + config.vocabSize() + ")");
            }
        }
        return n;
    }
}
