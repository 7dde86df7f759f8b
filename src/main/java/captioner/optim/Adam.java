package captioner.optim;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * Adam with bias correction, as cs231n's {@code optim.adam} (beta1 0.9, beta2 0.999, epsilon 1e-8):
 * {@code t += 1; m = b1*m + (1-b1)*dw; v = b2*v + (1-b2)*dw^2;
 * w -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
 */
public final class Adam extends UpdateRule {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    private final Tensor m;
    private final Tensor v;
    /** The step count t, kept as a one-element vector so it is saved with the moments. */
    private final Tensor t;

    Adam(int size, DType dtype) {
        m = remember("m", Tensor.zeros(dtype, size));
        v = remember("v", Tensor.zeros(dtype, size));
        t = remember("t", Tensor.zeros(DType.FLOAT64, 1));
    }

    @Override
    public UpdateRuleType type() {
        return UpdateRuleType.ADAM;
    }

    /** Steps taken so far. */
    public long steps() {
        return (long) t.get(0);
    }

    @Override
    public void update(Tensor w, Tensor dw, double learningRate, int from, int length) {
        long step = steps() + 1;
        t.set(0, step);
        // One pass over w, dw, m, v; bitwise the same as lerp, lerpSquares, addRatio in turn.
        Kernels.of(w.dtype()).adamStep(range(w, from, length), range(dw, from, length), range(m, from, length),
                range(v, from, length), BETA1, BETA2, -learningRate / (1 - Math.pow(BETA1, step)),
                1 / (1 - Math.pow(BETA2, step)), EPSILON);
    }
}
