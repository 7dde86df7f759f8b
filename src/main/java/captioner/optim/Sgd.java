package captioner.optim;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/** Vanilla stochastic gradient descent: {@code w -= lr * dw}. */
public final class Sgd extends UpdateRule {
    @Override
    public UpdateRuleType type() {
        return UpdateRuleType.SGD;
    }

    @Override
    public void update(Tensor w, Tensor dw, double learningRate, int from, int length) {
        Kernels.of(w.dtype()).axpy(-learningRate, range(dw, from, length), range(w, from, length));
    }
}
