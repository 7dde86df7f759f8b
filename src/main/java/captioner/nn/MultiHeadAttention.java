package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * cs231n's {@code MultiHeadAttention}: queries from x (N, T, E), keys and values from a memory
 * (N, S, E) — the same tensor for self-attention (S = T), the projected image features for
 * cross-attention. Per head h of H (head size Dh = E/H):
 * {@code A = softmax(Q_h K_hᵀ / √Dh)} over the S positions (restricted by an optional mask),
 * {@code Y_h = dropout(A) V_h}, and {@code out = concat_h(Y_h)·W_projᵀ + b_proj}, with
 * {@code Q = x·W_queryᵀ + b_query} and likewise K and V from the memory. All four projections are
 * {@link Linear}s in PyTorch's layout: weights (E, E), biases (E,). out: (N, T, E).
 *
 * <p>The projections' widths come from the weights, so the same layer is also seed 004's classifier attention,
 * whose heads are projected to their own width: query and key weights (H·Dk, E), value weights (H·Dv, E), the
 * projection (E', H·Dv); then Dh = Dk in the scale and out is (N, T, E'). cs231n's layer is the case
 * Dk = Dv = E/H, E' = E.
 *
 * <p>The mask is (T, S) row-major with {@code true} where a query may attend (cs231n's
 * {@code attn_mask != 0}). Masked positions get probability exactly 0 — the softmax of −∞ — rather
 * than a large negative score, so the backward is exact: their score gradients are 0. Every query row
 * must keep at least one position (a causal mask always keeps the diagonal).
 *
 * <p>Heads are a reshape: projections are single products over all N·T rows, split into
 * (N, H, T, Dh) once, and the per-head products run as one batched gemm over N·H matrices.
 */
public final class MultiHeadAttention {
    /** The four projections' parameters, or their gradients, in PyTorch's layout and cs231n's names. */
    public record Params(Tensor queryWeight, Tensor queryBias, Tensor keyWeight, Tensor keyBias, Tensor valueWeight,
                         Tensor valueBias, Tensor projWeight, Tensor projBias) {
        /** Zeros shaped like the parameters of width E. */
        public static Params zeros(DType dtype, int e) {
            return new Params(Tensor.zeros(dtype, e, e), Tensor.zeros(dtype, e), Tensor.zeros(dtype, e, e),
                    Tensor.zeros(dtype, e), Tensor.zeros(dtype, e, e), Tensor.zeros(dtype, e),
                    Tensor.zeros(dtype, e, e), Tensor.zeros(dtype, e));
        }
    }

    private final int heads;
    private final Dropout attentionDropout;
    private final Linear query = new Linear();
    private final Linear key = new Linear();
    private final Linear value = new Linear();
    private final Linear proj = new Linear();

    private int n;
    private int t;
    private int s;
    private int e;   // H·Dk: the query and key width
    private int ev;  // H·Dv: the value width, the heads' concatenation
    private Tensor qh;       // (N, H, T, Dh)
    private Tensor kh;       // (N, H, S, Dh)
    private Tensor vh;       // (N, H, S, Dh)
    private Tensor weights;  // (N, H, T, S): softmax output A
    private Tensor dropped;  // dropout(A), or A itself
    private Tensor yh;       // (N, H, T, Dh)
    private Tensor y;        // (N, T, E): heads concatenated
    private Tensor dy;
    private Tensor dyh;
    private Tensor dWeights;
    private Tensor dqh;
    private Tensor dkh;
    private Tensor dvh;
    private Tensor dq;
    private Tensor dk;
    private Tensor dv;

    /** H heads; dropout probability on the attention weights (cs231n's default is 0.1). */
    public MultiHeadAttention(int heads, double dropout) {
        if (heads <= 0) {
            throw new IllegalArgumentException("attention needs at least one head but got " + heads);
        }
        this.heads = heads;
        this.attentionDropout = new Dropout(dropout);
    }

    public int heads() {
        return heads;
    }

    /** The causal mask of length T: query t attends to positions 0..t. (T, T) row-major. */
    public static boolean[] causalMask(int t) {
        boolean[] keep = new boolean[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                keep[i * t + j] = true;
            }
        }
        return keep;
    }

    /**
     * Returns out (N, T, E), a reused buffer. {@code mask} (T·S flags) or null for none;
     * {@code dropoutMask} null at evaluation. Keeps the inputs (which must not change before
     * backward) and the attention weights.
     */
    public Tensor forward(Tensor x, Tensor memory, boolean[] mask, Params p, DropoutMask dropoutMask) {
        return forward(x, memory, memory, mask, p, dropoutMask);
    }

    /** As above with separate key and value inputs (N, S, E), cs231n's {@code attn(query, key, value)}. */
    public Tensor forward(Tensor x, Tensor keyInput, Tensor valueInput, boolean[] mask, Params p,
            DropoutMask dropoutMask) {
        Shapes.requireRank("query", x, 3, "(N, T, E)");
        Shapes.requireRank("key", keyInput, 3, "(N, S, E)");
        n = x.dim(0);
        t = x.dim(1);
        int width = x.dim(2);
        s = keyInput.dim(1);
        Shapes.require("key", keyInput, n, s, width);
        Shapes.require("value", valueInput, n, s, width);
        Shapes.requireRank("query weight", p.queryWeight(), 2, "(H·Dk, E)");
        Shapes.requireRank("value weight", p.valueWeight(), 2, "(H·Dv, E)");
        e = p.queryWeight().dim(0);
        ev = p.valueWeight().dim(0);
        Shapes.requireRank("key weight", p.keyWeight(), 2, "(H·Dk, E)");
        Shapes.require("key weight", p.keyWeight(), e, p.keyWeight().dim(1));
        if (e % heads != 0 || ev % heads != 0) {
            throw new IllegalArgumentException("attention widths " + e + " (queries, keys) and " + ev
                    + " (values) are not both divisible by " + heads + " heads");
        }
        checkMask(mask, t, s);
        int dh = e / heads;
        int dhv = ev / heads;
        DType dtype = x.dtype();
        Kernels k = Kernels.of(dtype);
        qh = split(k, query.forward(x, p.queryWeight(), p.queryBias()), t, e, qh);
        kh = split(k, key.forward(keyInput, p.keyWeight(), p.keyBias()), s, e, kh);
        vh = split(k, value.forward(valueInput, p.valueWeight(), p.valueBias()), s, ev, vh);
        int b = n * heads;
        weights = Tensor.reuse(weights, dtype, n, heads, t, s);
        k.gemmBatched(b, false, true, 1.0 / Math.sqrt(dh), qh.reshape(b, t, dh), kh.reshape(b, s, dh), 0,
                weights.reshape(b, t, s));
        k.softmaxRows(weights, mask);
        dropped = attentionDropout.forward(weights, dropoutMask);
        yh = Tensor.reuse(yh, dtype, n, heads, t, dhv);
        k.gemmBatched(b, false, false, 1, dropped.reshape(b, t, s), vh.reshape(b, s, dhv), 0, yh.reshape(b, t, dhv));
        y = Tensor.reuse(y, dtype, n, t, ev);
        k.swapAxes12(yh, y.reshape(n, t, heads, dhv));
        return proj.forward(y, p.projWeight(), p.projBias());
    }

    /**
     * Backward of the last forward with dout (N, T, E): writes dx (N, T, E), dKey and dValue
     * (N, S, E), and adds the parameter gradients into {@code grads}. For self-attention the input's
     * gradient is the sum dx + dKey + dValue; with the two-argument forward, dKey + dValue.
     */
    public void backward(Tensor dout, Tensor dx, Tensor dKey, Tensor dValue, Params grads) {
        int dh = e / heads;
        int dhv = ev / heads;
        int b = n * heads;
        DType dtype = weights.dtype();
        Kernels k = Kernels.of(dtype);
        dy = Tensor.reuse(dy, dtype, n, t, ev);
        proj.backward(dout, dy, grads.projWeight(), grads.projBias());
        dyh = Tensor.reuse(dyh, dtype, n, heads, t, dhv);
        k.swapAxes12(dy.reshape(n, t, heads, dhv), dyh);
        dWeights = Tensor.reuse(dWeights, dtype, n, heads, t, s);
        k.gemmBatched(b, false, true, 1, dyh.reshape(b, t, dhv), vh.reshape(b, s, dhv), 0, dWeights.reshape(b, t, s));
        dvh = Tensor.reuse(dvh, dtype, n, heads, s, dhv);
        k.gemmBatched(b, true, false, 1, dropped.reshape(b, t, s), dyh.reshape(b, t, dhv), 0, dvh.reshape(b, s, dhv));
        attentionDropout.backward(dWeights, dWeights);
        k.softmaxRowsBackward(weights, dWeights, 1.0 / Math.sqrt(dh), dWeights);
        Tensor dScores = dWeights.reshape(b, t, s);
        dqh = Tensor.reuse(dqh, dtype, n, heads, t, dh);
        k.gemmBatched(b, false, false, 1, dScores, kh.reshape(b, s, dh), 0, dqh.reshape(b, t, dh));
        dkh = Tensor.reuse(dkh, dtype, n, heads, s, dh);
        k.gemmBatched(b, true, false, 1, dScores, qh.reshape(b, t, dh), 0, dkh.reshape(b, s, dh));
        dq = merge(k, dqh, t, e, dq);
        dk = merge(k, dkh, s, e, dk);
        dv = merge(k, dvh, s, ev, dv);
        query.backward(dq, dx, grads.queryWeight(), grads.queryBias());
        key.backward(dk, dKey, grads.keyWeight(), grads.keyBias());
        value.backward(dv, dValue, grads.valueWeight(), grads.valueBias());
    }

    /** (N, L, width) → (N, H, L, width/H) into a reused buffer. */
    private Tensor split(Kernels k, Tensor projected, int length, int width, Tensor buffer) {
        Tensor out = Tensor.reuse(buffer, projected.dtype(), n, heads, length, width / heads);
        k.swapAxes12(projected.reshape(n, length, heads, width / heads), out);
        return out;
    }

    /** (N, H, L, width/H) → (N, L, width) into a reused buffer. */
    private Tensor merge(Kernels k, Tensor perHead, int length, int width, Tensor buffer) {
        Tensor out = Tensor.reuse(buffer, perHead.dtype(), n, length, width);
        k.swapAxes12(perHead, out.reshape(n, length, heads, width / heads));
        return out;
    }

    private static void checkMask(boolean[] mask, int t, int s) {
        if (mask == null) {
            return;
        }
        if (mask.length != t * s) {
            throw new IllegalArgumentException("attention mask: expected " + t + "·" + s + " flags (T, S) but got "
                    + mask.length);
        }
        for (int i = 0; i < t; i++) {
            boolean any = false;
            for (int j = 0; j < s && !any; j++) {
                any = mask[i * s + j];
            }
            if (!any) {
                throw new IllegalArgumentException("attention mask: query row " + i + " attends to no position");
            }
        }
    }
}
