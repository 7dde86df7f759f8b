package captioner.model;

import captioner.nn.Affine;
import captioner.nn.Lstm;
import captioner.nn.RecurrentLayer;
import captioner.nn.TemporalSoftmaxLoss;
import captioner.nn.VanillaRnn;
import captioner.nn.WordEmbedding;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * cs231n's {@code CaptioningRNN}: image features → initial hidden state (affine), caption words →
 * word vectors, a vanilla RNN or LSTM over the words, hidden states → vocabulary scores, and the
 * masked temporal softmax loss. Parameters live in one flat vector laid out by {@link ParamLayout}.
 * The loss does no work on what the mask throws away: captions are packed by length ({@link PackedCaptions}), so
 * ended captions leave the recurrence and {@code <NULL>} targets are never scored.
 * Captions are generated one word at a time through {@link #startDecoding} and {@link #decodeStep}
 * ({@link CaptionGenerator}).
 * An instance keeps the buffers of its last batch, so it serves one thread at a time.
 */
public final class CaptioningModel extends FlatParamModel implements CaptionGenerator<DecoderState> {
    private final ModelConfig config;

    private final Affine projection = new Affine();
    private final WordEmbedding embedding = new WordEmbedding();
    private final RecurrentLayer recurrent;
    private final Affine vocabulary = new Affine();

    private boolean[] allScored = new boolean[0];
    private Tensor h0Packed;  // (N, H): h0 in packed order; in backward, its gradient
    private Tensor hScored;   // (rows with a target, H), when some packed rows have <NULL> targets
    private Tensor dhScored;
    private Tensor dh;
    private Tensor dx;
    private Tensor dh0;

    /** A model over existing parameters {@code params} (flat, {@link ParamLayout#size()} long); no copy. */
    public CaptioningModel(ModelConfig config, Tensor params) {
        super(new ParamLayout(config), params);
        this.config = config;
        this.recurrent = config.cell().newLayer();
    }

    /** A model with cs231n's initialisation drawn from {@code seed}. */
    public static CaptioningModel initialized(ModelConfig config, DType dtype, long seed) {
        return new CaptioningModel(config, initialParams(config, dtype, seed));
    }

    /**
     * cs231n's initialisation: standard normal draws scaled by 1/100 for W_embed and by 1/sqrt(fan-in)
     * for W_proj, Wx, Wh and W_vocab; zero biases. Draws come in layout order from one seeded stream.
     */
    public static Tensor initialParams(ModelConfig c, DType dtype, long seed) {
        ParamLayout layout = new ParamLayout(c);
        Tensor flat = layout.zeros(dtype);
        Random rng = new Random(seed);
        for (ParamLayout.Entry e : layout.entries()) {
            double scale = switch (e.name()) {
                case "W_embed" -> 1.0 / 100;
                case "W_proj", "Wx", "Wh", "W_vocab" -> 1.0 / Math.sqrt(e.shape()[0]);
                default -> 0;
            };
            if (scale != 0) {
                for (int i = 0; i < e.size(); i++) {
                    flat.set(e.offset() + i, rng.nextGaussian() * scale);
                }
            }
        }
        return flat;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    /**
     * cs231n's {@code loss}: the masked cross-entropy summed over time and divided by the batch size N.
     * Adds the gradient of that loss into {@code grads} (a flat vector in this model's layout) unless
     * it is null.
     *
     * @param features (N, D) image features
     * @param captions N rows of {@code captionLength} word indices, row-major; the first
     *                 {@code captionLength - 1} words go in, the last {@code captionLength - 1} are predicted
     */
    @Override
    public double loss(Tensor features, int[] captions, int captionLength, Tensor grads) {
        return loss(features, captions, captionLength, grads, 1.0 / Math.max(features.dim(0), 1));
    }

    /** As {@link #loss} but summed over the captions instead of averaged: what each partition reports. */
    public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads) {
        return loss(features, captions, captionLength, grads, 1.0);
    }

    /** {@link #lossSum(Tensor, int[], int, Tensor)}: the RNN has no dropout. */
    @Override
    public double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout) {
        return lossSum(features, captions, captionLength, grads);
    }

    private double loss(Tensor features, int[] captions, int captionLength, Tensor grads, double scale) {
        int n = checkBatch(features, captions, captionLength);
        if (grads != null) {
            Shapes.require("grads", grads, layout.size());
            Shapes.requireDType("grads", grads, dtype());
        }
        PackedCaptions packed = PackedCaptions.of(captions, n, captionLength, config.nullIdx());
        if (packed.outputRows.length == 0) {
            return 0;   // every target is <NULL>: no loss and no gradient
        }
        DType dtype = dtype();
        Kernels k = Kernels.of(dtype);
        int p = packed.steps.rows();
        int hidden = config.hiddenDim();

        // h0 in packed order: rows of the projection, permuted; a permutation copies exactly.
        Tensor h0 = projection.forward(features, param("W_proj"), param("b_proj"));
        h0Packed = Tensor.reuse(h0Packed, dtype, n, hidden);
        k.gatherRows(h0, packed.order, h0Packed);
        Tensor x = embedding.forward(packed.wordsIn, param("W_embed"));
        Tensor h = recurrent.forwardPacked(x, packed.steps, h0Packed, param("Wx"), param("Wh"), param("b"));
        // Only rows with a target are scored: a <NULL> target costs nothing in the output layer.
        Tensor scored = h;
        if (!packed.everyRowScored()) {
            hScored = Tensor.reuse(hScored, dtype, packed.outputRows.length, hidden);
            k.gatherRows(h, packed.outputRows, hScored);
            scored = hScored;
        }
        Tensor scores = vocabulary.forward(scored, param("W_vocab"), param("b_vocab"));
        // The gradient overwrites the scores in place: the (rows, V) block is the largest activation.
        double loss = TemporalSoftmaxLoss.forwardBackward(scores, packed.targets, everyRow(packed.targets.length),
                scale, scores);
        if (grads == null) {
            return loss;
        }
        dh = Tensor.reuse(dh, dtype, p, hidden);
        dx = Tensor.reuse(dx, dtype, p, config.wordvecDim());
        dh0 = Tensor.reuse(dh0, dtype, n, hidden);
        if (packed.everyRowScored()) {
            vocabulary.backward(scores, dh, layout.view(grads, "W_vocab"), layout.view(grads, "b_vocab"));
        } else {
            dhScored = Tensor.reuse(dhScored, dtype, packed.outputRows.length, hidden);
            vocabulary.backward(scores, dhScored, layout.view(grads, "W_vocab"), layout.view(grads, "b_vocab"));
            dh.fill(0);
            k.scatterAddRows(dhScored, packed.outputRows, dh);
        }
        recurrent.backwardPacked(dh, dx, h0Packed, layout.view(grads, "Wx"), layout.view(grads, "Wh"),
                layout.view(grads, "b"));
        embedding.backward(dx, layout.view(grads, "W_embed"));
        dh0.fill(0);
        k.scatterAddRows(h0Packed, packed.order, dh0);
        projection.backward(dh0, null, layout.view(grads, "W_proj"), layout.view(grads, "b_proj"));
        return loss;
    }

    /** An all-true mask of {@code m} positions (reused). */
    private boolean[] everyRow(int m) {
        if (allScored.length != m) {
            allScored = new boolean[m];
            Arrays.fill(allScored, true);
        }
        return allScored;
    }

    /** Checks shapes, dtype and word range of a batch; returns N. */
    private int checkBatch(Tensor features, int[] captions, int captionLength) {
        return CaptionBatch.check(features, captions, captionLength, config.inputDim(), config.vocabSize(),
                dtype());
    }

    /**
     * Starts decoding N captions, as cs231n's {@code sample} does: h0 = features·W_proj + b_proj and, for the
     * LSTM, c0 = 0. The first {@link #decodeStep} then takes {@code <START>}.
     *
     * @param features (N, D)
     */
    @Override
    public DecoderState startDecoding(Tensor features) {
        Shapes.requireRank("features", features, 2, "(N, D)");
        int n = features.dim(0);
        Shapes.require("features", features, n, config.inputDim());
        Shapes.requireDType("features", features, dtype());
        if (config.startIdx() < 0 || config.endIdx() < 0) {
            throw new IllegalStateException("decoding needs <START> and <END> in the vocabulary");
        }
        Tensor h = projection.forward(features, param("W_proj"), param("b_proj")).copy(dtype());
        Tensor c = recurrent instanceof Lstm ? Tensor.zeros(dtype(), n, config.hiddenDim()) : null;
        return new DecoderState(h, c);
    }

    /**
     * One decoding step for every row of {@code state}: embeds {@code previousWords} (N), advances the state in
     * place by one recurrent step, and returns the scores of the next word, (N, V). The scores are a buffer this
     * model reuses on its next call; {@link LogSoftmax} turns them into log-probabilities.
     */
    @Override
    public Tensor decodeStep(DecoderState state, int[] previousWords) {
        if (previousWords.length != state.rows()) {
            throw new IllegalArgumentException("previousWords: expected one word for each of the state's "
                    + state.rows() + " rows but got " + previousWords.length);
        }
        Tensor h = state.h();
        Tensor x = embedding.forward(previousWords, param("W_embed"));
        if (recurrent instanceof Lstm lstm) {
            Tensor[] hc = lstm.stepForward(x, h, state.c(), param("Wx"), param("Wh"), param("b"));
            h.copyFrom(hc[0]);
            state.c().copyFrom(hc[1]);
        } else {
            h.copyFrom(((VanillaRnn) recurrent).stepForward(x, h, param("Wx"), param("Wh"), param("b")));
        }
        return vocabulary.forward(h, param("W_vocab"), param("b_vocab"));
    }
}
