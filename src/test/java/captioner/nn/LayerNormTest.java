package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerNormTest {

    @Test
    void matchesPyTorchLayerNorm() {
        TorchFixture f = TorchFixture.load("layer_norm.json");
        Tensor x = f.tensor("x");
        Tensor gamma = f.tensor("gamma");
        Tensor beta = f.tensor("beta");
        LayerNorm layer = new LayerNorm();
        f.assertClose("out", layer.forward(x, gamma, beta), TorchFixture.PARITY);
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dGamma = Tensor.zeros(DType.FLOAT64, gamma.shape());
        Tensor dBeta = Tensor.zeros(DType.FLOAT64, beta.shape());
        layer.backward(f.tensor("dout"), dx, dGamma, dBeta);
        f.assertClose("dx", dx, TorchFixture.PARITY);
        f.assertClose("dgamma", dGamma, TorchFixture.PARITY);
        f.assertClose("dbeta", dBeta, TorchFixture.PARITY);
    }

    @Test
    void float32AgreesWithFloat64() {
        TorchFixture f = TorchFixture.load("layer_norm.json");
        Tensor gamma = f.tensor("gamma", DType.FLOAT32);
        LayerNorm layer = new LayerNorm();
        f.assertClose("out", layer.forward(f.tensor("x", DType.FLOAT32), gamma, f.tensor("beta", DType.FLOAT32)), 1e-5);
        Tensor dx = Tensor.zeros(DType.FLOAT32, f.tensor("x").shape());
        Tensor dGamma = Tensor.zeros(DType.FLOAT32, gamma.shape());
        Tensor dBeta = Tensor.zeros(DType.FLOAT32, gamma.shape());
        layer.backward(f.tensor("dout", DType.FLOAT32), dx, dGamma, dBeta);
        f.assertClose("dx", dx, 1e-5);
        f.assertClose("dgamma", dGamma, 1e-5);
        f.assertClose("dbeta", dBeta, 1e-5);
    }

    @Test
    void backwardMatchesNumericGradients() {
        Random rng = new Random(15);
        Tensor x = randn(rng, 3, 2, 5), gamma = randn(rng, 5), beta = randn(rng, 5);
        LayerNorm layer = new LayerNorm();
        Tensor dout = randn(rng, layer.forward(x, gamma, beta).shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dGamma = Tensor.zeros(DType.FLOAT64, 5);
        Tensor dBeta = Tensor.zeros(DType.FLOAT64, 5);
        layer.backward(dout, dx, dGamma, dBeta);
        LayerNorm probe = new LayerNorm();
        Supplier<Tensor> f = () -> probe.forward(x, gamma, beta);
        assertGradient(numericGradientArray(f, x, dout, 1e-5), dx, 1e-7, "dx");
        assertGradient(numericGradientArray(f, gamma, dout, 1e-5), dGamma, 1e-7, "dgamma");
        assertGradient(numericGradientArray(f, beta, dout, 1e-5), dBeta, 1e-7, "dbeta");
    }

    @Test
    void normalisesEachRowToZeroMeanUnitVariance() {
        Random rng = new Random(2);
        int d = 16;
        Tensor x = randn(rng, 4, d);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, 100 + 7 * x.get(i));
        }
        Tensor ones = Tensor.zeros(DType.FLOAT32, d);
        ones.fill(1);
        Tensor out = new LayerNorm().forward(x.copy(DType.FLOAT32), ones, Tensor.zeros(DType.FLOAT32, d));
        for (int r = 0; r < 4; r++) {
            double mean = 0;
            double squares = 0;
            for (int j = 0; j < d; j++) {
                mean += out.get(r * d + j) / d;
            }
            for (int j = 0; j < d; j++) {
                squares += Math.pow(out.get(r * d + j) - mean, 2) / d;
            }
            assertEquals(0, mean, 1e-5, "row " + r + " mean");
            // var/(var + eps) with var ≈ 49: the float32 path keeps the statistics in double.
            assertEquals(1, squares, 1e-5, "row " + r + " variance");
        }
    }
}
