package captioner.model;

import captioner.nn.Activation;
import captioner.nn.Dropout;
import captioner.nn.DropoutMask;
import captioner.nn.LayerNorm;
import captioner.nn.Linear;
import captioner.nn.MultiHeadAttention;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * One post-norm decoder layer of cs231n's {@code TransformerDecoderLayer}, x (N, T, W) over a memory (N, S, W):
 * {@code x = LN(x + drop(SelfAttn(x, causal)))}, {@code x = LN(x + drop(CrossAttn(x, memory)))},
 * {@code x = LN(x + drop(fc2(drop(act(fc1(x))))))}. Parameters are views named
 * {@code transformer.layers.l.*} in the flat vector. Keeps its activations for one backward.
 */
final class DecoderLayer {
    /** Dropout sites of a layer, numbered for {@link DropoutKeys}: the attention weights' are 0 and 1. */
    private static final int SITES = 6;

    private final String prefix;
    private final int index;
    private final MultiHeadAttention selfAttn;
    private final MultiHeadAttention crossAttn;
    private final Linear fc1 = new Linear();
    private final Linear fc2 = new Linear();
    private final Activation activation;
    private final Dropout dropSelf;
    private final Dropout dropCross;
    private final Dropout dropHidden;
    private final Dropout dropFfn;
    private final LayerNorm normSelf = new LayerNorm();
    private final LayerNorm normCross = new LayerNorm();
    private final LayerNorm normFfn = new LayerNorm();

    private Tensor sum1;
    private Tensor sum2;
    private Tensor sum3;
    private Tensor dr;
    private Tensor da;
    private Tensor dKey;
    private Tensor dValue;
    private Tensor dHidden;
    private Tensor dPre;

    DecoderLayer(TransformerConfig c, int index) {
        this.index = index;
        this.prefix = TransformerConfig.layer(index);
        selfAttn = new MultiHeadAttention(c.heads(), c.dropout());
        crossAttn = new MultiHeadAttention(c.heads(), c.dropout());
        activation = new Activation(c.activation());
        dropSelf = new Dropout(c.dropout());
        dropCross = new Dropout(c.dropout());
        dropHidden = new Dropout(c.dropout());
        dropFfn = new Dropout(c.dropout());
    }

    /** The six views of attention block {@code name} ("self_attn" or "cross_attn") inside {@code flat}. */
    static MultiHeadAttention.Params attention(ParamLayout layout, Tensor flat, String prefix) {
        return new MultiHeadAttention.Params(layout.view(flat, prefix + "query.weight"),
                layout.view(flat, prefix + "query.bias"), layout.view(flat, prefix + "key.weight"),
                layout.view(flat, prefix + "key.bias"), layout.view(flat, prefix + "value.weight"),
                layout.view(flat, prefix + "value.bias"), layout.view(flat, prefix + "proj.weight"),
                layout.view(flat, prefix + "proj.bias"));
    }

    /**
     * Returns the layer's output (N, T, W), a buffer of this layer. {@code dropout} null at evaluation; the
     * inputs must not change before {@link #backward}.
     */
    Tensor forward(Tensor x, Tensor memory, boolean[] causal, ParamLayout layout, Tensor params, DropoutKeys dropout) {
        int n = x.dim(0);
        DType dtype = x.dtype();
        Kernels k = Kernels.of(dtype);
        Tensor a = selfAttn.forward(x, x, causal, attention(layout, params, prefix + "self_attn."), mask(dropout, 0, n));
        a = dropSelf.forward(a, mask(dropout, 2, n));
        sum1 = residual(k, x, a, sum1);
        Tensor x1 = normSelf.forward(sum1, p(layout, params, "norm_self.weight"), p(layout, params, "norm_self.bias"));
        Tensor c = crossAttn.forward(x1, memory, null, attention(layout, params, prefix + "cross_attn."),
                mask(dropout, 1, n));
        c = dropCross.forward(c, mask(dropout, 3, n));
        sum2 = residual(k, x1, c, sum2);
        Tensor x2 = normCross.forward(sum2, p(layout, params, "norm_cross.weight"), p(layout, params, "norm_cross.bias"));
        Tensor h = fc1.forward(x2, p(layout, params, "ffn.fc1.weight"), p(layout, params, "ffn.fc1.bias"));
        h = dropHidden.forward(activation.forward(h), mask(dropout, 4, n));
        Tensor f = fc2.forward(h, p(layout, params, "ffn.fc2.weight"), p(layout, params, "ffn.fc2.bias"));
        f = dropFfn.forward(f, mask(dropout, 5, n));
        sum3 = residual(k, x2, f, sum3);
        return normFfn.forward(sum3, p(layout, params, "norm_ffn.weight"), p(layout, params, "norm_ffn.bias"));
    }

    /**
     * Backward of the last forward: dout (N, T, W) is overwritten with the input's gradient; the memory's gradient
     * is added into dMemory (N, S, W); parameter gradients are added into {@code grads}.
     */
    void backward(Tensor dout, Tensor dMemory, ParamLayout layout, Tensor grads) {
        DType dtype = dout.dtype();
        Kernels k = Kernels.of(dtype);
        int[] shape = dout.shape();
        dr = Tensor.reuse(dr, dtype, shape);
        da = Tensor.reuse(da, dtype, shape);
        // Feed-forward block: dout → d(sum3) = dr, into x2 directly and through fc2·act·fc1.
        normFfn.backward(dout, dr, p(layout, grads, "norm_ffn.weight"), p(layout, grads, "norm_ffn.bias"));
        dropFfn.backward(dr, da);
        int m = dout.size() / dout.dim(2);
        dHidden = Tensor.reuse(dHidden, dtype, m, fc1OutWidth(layout));
        fc2.backward(da, dHidden, p(layout, grads, "ffn.fc2.weight"), p(layout, grads, "ffn.fc2.bias"));
        dropHidden.backward(dHidden, dHidden);
        activation.backward(dHidden, dHidden);
        fc1.backward(dHidden, da, p(layout, grads, "ffn.fc1.weight"), p(layout, grads, "ffn.fc1.bias"));
        k.axpy(1, dr, da);  // da = d(x2)
        // Cross-attention block.
        normCross.backward(da, dr, p(layout, grads, "norm_cross.weight"), p(layout, grads, "norm_cross.bias"));
        dropCross.backward(dr, da);
        dKey = Tensor.reuse(dKey, dtype, dMemory.shape());
        dValue = Tensor.reuse(dValue, dtype, dMemory.shape());
        dPre = Tensor.reuse(dPre, dtype, shape);
        crossAttn.backward(da, dPre, dKey, dValue, attention(layout, grads, prefix + "cross_attn."));
        k.axpy(1, dKey, dMemory);
        k.axpy(1, dValue, dMemory);
        k.axpy(1, dr, dPre);  // dPre = d(x1)
        // Self-attention block: queries, keys and values all come from the input.
        normSelf.backward(dPre, dr, p(layout, grads, "norm_self.weight"), p(layout, grads, "norm_self.bias"));
        dropSelf.backward(dr, da);
        dKey = Tensor.reuse(dKey, dtype, shape);
        dValue = Tensor.reuse(dValue, dtype, shape);
        selfAttn.backward(da, dout, dKey, dValue, attention(layout, grads, prefix + "self_attn."));
        k.axpy(1, dr, dout);
        k.axpy(1, dKey, dout);
        k.axpy(1, dValue, dout);
    }

    private int fc1OutWidth(ParamLayout layout) {
        return layout.entry(prefix + "ffn.fc1.bias").shape()[0];
    }

    private Tensor p(ParamLayout layout, Tensor flat, String name) {
        return layout.view(flat, prefix + name);
    }

    private DropoutMask mask(DropoutKeys keys, int site, int rows) {
        return keys == null ? null : keys.site(1 + index * SITES + site, rows);
    }

    private static Tensor residual(Kernels k, Tensor x, Tensor y, Tensor buffer) {
        Tensor out = Tensor.reuse(buffer, x.dtype(), x.shape());
        out.copyFrom(x);
        k.axpy(1, y, out);
        return out;
    }
}
