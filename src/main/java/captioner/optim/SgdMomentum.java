package captioner.optim;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/** SGD with momentum (cs231n: momentum 0.9): {@code v = mu*v - lr*dw; w += v}. */
public final class SgdMomentum extends UpdateRule {
    public static final double MOMENTUM = 0.9;

    private final Tensor velocity;

    SgdMomentum(int size, DType dtype) {
        velocity = remember("velocity", Tensor.zeros(dtype, size));
    }

    @Override
    public UpdateRuleType type() {
        return UpdateRuleType.SGD_MOMENTUM;
    }

    @Override
    public void update(Tensor w, Tensor dw, double learningRate, int from, int length) {
        Kernels k = Kernels.of(w.dtype());
        Tensor v = range(velocity, from, length);
        k.scale(v, MOMENTUM);
        k.axpy(-learningRate, range(dw, from, length), v);
        k.axpy(1, v, range(w, from, length));
    }
}
