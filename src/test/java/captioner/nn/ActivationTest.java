package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;

class ActivationTest {

    private static void assertMatchesPyTorch(Activation.Kind kind, String file) {
        TorchFixture f = TorchFixture.load(file);
        Activation layer = new Activation(kind);
        f.assertClose("out", layer.forward(f.tensor("x")), TorchFixture.PARITY);
        Tensor dx = Tensor.zeros(DType.FLOAT64, f.tensor("x").shape());
        layer.backward(f.tensor("dout"), dx);
        f.assertClose("dx", dx, TorchFixture.PARITY);
        Activation single = new Activation(kind);
        f.assertClose("out", single.forward(f.tensor("x", DType.FLOAT32)), 1e-6);
        Tensor dx32 = Tensor.zeros(DType.FLOAT32, dx.shape());
        single.backward(f.tensor("dout", DType.FLOAT32), dx32);
        f.assertClose("dx", dx32, 1e-6);
    }

    @Test
    void exactGeluMatchesPyTorch() {
        assertMatchesPyTorch(Activation.Kind.GELU, "gelu.json");
    }

    @Test
    void reluMatchesPyTorch() {
        assertMatchesPyTorch(Activation.Kind.RELU, "relu.json");
    }

    @Test
    void geluBackwardMatchesNumericGradients() {
        Random rng = new Random(15);
        Tensor x = randn(rng, 5, 7);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, 3 * x.get(i));
        }
        Activation layer = new Activation(Activation.Kind.GELU);
        Tensor dout = randn(rng, layer.forward(x).shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        layer.backward(dout, dx);
        Activation probe = new Activation(Activation.Kind.GELU);
        Supplier<Tensor> f = () -> probe.forward(x);
        assertGradient(numericGradientArray(f, x, dout, 1e-5), dx, 1e-7, "dx");
    }

    @Test
    void reluBackwardMatchesNumericGradientsAwayFromTheKink() {
        Random rng = new Random(16);
        Tensor x = randn(rng, 5, 7);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, x.get(i) + Math.copySign(0.01, x.get(i))); // no entry within the stencil's reach of 0
        }
        Activation layer = new Activation(Activation.Kind.RELU);
        Tensor dout = randn(rng, layer.forward(x).shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        layer.backward(dout, dx);
        Activation probe = new Activation(Activation.Kind.RELU);
        assertGradient(numericGradientArray(() -> probe.forward(x), x, dout, 1e-3), dx, 1e-7, "dx");
    }
}
