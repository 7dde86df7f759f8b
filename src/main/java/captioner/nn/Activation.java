package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * The feed-forward block's nonlinearity, elementwise on any shape: the exact GELU
 * {@code x·Φ(x) = x/2·(1 + erf(x/√2))} (PyTorch's default {@code nn.GELU()}, cs231n's current choice)
 * or ReLU (its earlier one).
 */
public final class Activation {
    /** Which function; {@link #label()} is the PyTorch / cs231n name. */
    public enum Kind {
        GELU, RELU;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code gelu} or {@code relu}; anything else names the accepted values. */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new captioner.BadInputException("unknown activation '" + s + "'; expected gelu or relu");
        }
    }

    private final Kind kind;
    private Tensor x;
    private Tensor out;

    public Activation(Kind kind) {
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    /** Returns out (a reused buffer, same shape as x); keeps x for backward. */
    public Tensor forward(Tensor x) {
        this.x = x;
        out = Tensor.reuse(out, x.dtype(), x.shape());
        Kernels k = Kernels.of(x.dtype());
        if (kind == Kind.GELU) {
            k.gelu(x, out);
        } else {
            k.relu(x, out);
        }
        return out;
    }

    /** Backward of the last forward: writes dx (may be dout). */
    public void backward(Tensor dout, Tensor dx) {
        Kernels k = Kernels.of(x.dtype());
        if (kind == Kind.GELU) {
            k.geluBackward(x, dout, dx);
        } else {
            k.reluBackward(x, dout, dx);
        }
    }
}
