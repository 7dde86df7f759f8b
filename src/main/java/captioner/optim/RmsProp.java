package captioner.optim;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * RMSProp (cs231n: decay 0.99, epsilon 1e-8): {@code cache = decay*cache + (1-decay)*dw^2;
 * w -= lr * dw / (sqrt(cache) + eps)}.
 */
public final class RmsProp extends UpdateRule {
    public static final double DECAY_RATE = 0.99;
    public static final double EPSILON = 1e-8;

    private final Tensor cache;

    RmsProp(int size, DType dtype) {
        cache = remember("cache", Tensor.zeros(dtype, size));
    }

    @Override
    public UpdateRuleType type() {
        return UpdateRuleType.RMSPROP;
    }

    @Override
    public void update(Tensor w, Tensor dw, double learningRate, int from, int length) {
        Kernels k = Kernels.of(w.dtype());
        Tensor c = range(cache, from, length);
        Tensor g = range(dw, from, length);
        k.lerpSquares(c, g, DECAY_RATE);
        k.addRatio(range(w, from, length), -learningRate, g, c, 1, EPSILON);
    }
}
