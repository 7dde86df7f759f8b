package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LinearTest {

    @Test
    void matchesPyTorchLinear() {
        TorchFixture f = TorchFixture.load("linear.json");
        Tensor x = f.tensor("x");
        Tensor w = f.tensor("weight");
        Tensor b = f.tensor("bias");
        Linear layer = new Linear();
        f.assertClose("out", layer.forward(x, w, b), TorchFixture.PARITY);
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dw = Tensor.zeros(DType.FLOAT64, w.shape());
        Tensor db = Tensor.zeros(DType.FLOAT64, b.shape());
        layer.backward(f.tensor("dout"), dx, dw, db);
        f.assertClose("dx", dx, TorchFixture.PARITY);
        f.assertClose("dweight", dw, TorchFixture.PARITY);
        f.assertClose("dbias", db, TorchFixture.PARITY);
    }

    @Test
    void backwardMatchesNumericGradientsAndAccumulates() {
        Random rng = new Random(15);
        int n = 2, t = 3, in = 4, out = 5;
        Tensor x = randn(rng, n, t, in), w = randn(rng, out, in), b = randn(rng, out);
        Linear layer = new Linear();
        Tensor y = layer.forward(x, w, b);
        assertArrayEquals(new int[] {n, t, out}, y.shape());
        Tensor dout = randn(rng, y.shape());
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dw = randn(rng, out, in);
        Tensor db = randn(rng, out);
        Tensor dw0 = dw.copy(DType.FLOAT64);
        Tensor db0 = db.copy(DType.FLOAT64);
        layer.backward(dout, dx, dw, db);
        Linear probe = new Linear();
        Supplier<Tensor> f = () -> probe.forward(x, w, b);
        Tensor numericW = numericGradientArray(f, w, dout, 1e-3);
        Tensor numericB = numericGradientArray(f, b, dout, 1e-3);
        for (int i = 0; i < dw.size(); i++) {
            numericW.set(i, numericW.get(i) + dw0.get(i));
        }
        for (int i = 0; i < db.size(); i++) {
            numericB.set(i, numericB.get(i) + db0.get(i));
        }
        assertGradient(numericGradientArray(f, x, dout, 1e-3), dx, 1e-7, "dx");
        assertGradient(numericW, dw, 1e-7, "dweight (added to what was there)");
        assertGradient(numericB, db, 1e-7, "dbias (added to what was there)");
    }

    @Test
    void float32AgreesWithFloat64() {
        TorchFixture f = TorchFixture.load("linear.json");
        Tensor out = new Linear().forward(f.tensor("x", DType.FLOAT32), f.tensor("weight", DType.FLOAT32),
                f.tensor("bias", DType.FLOAT32));
        f.assertClose("out", out, 1e-5);
    }
}
