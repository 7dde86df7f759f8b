package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;

/**
 * A recurrent layer's sequence backward on random float64 inputs x (T, N, D), h0 (N, H), Wx (D, gH), Wh (H, gH),
 * b (gH) and upstream gradient (T, N, H), beside the numeric gradient of every one of them.
 */
final class SequenceGradients {
    private static final double STEP = 1e-5;

    /** Input name → {numeric, analytic}, in the order dx, dh0, dWx, dWh, db. */
    private final Map<String, Tensor[]> gradients = new LinkedHashMap<>();

    SequenceGradients(Supplier<RecurrentLayer> layer, int gates, Random rng, int n, int d, int t, int h) {
        Tensor x = randn(rng, t, n, d), h0 = randn(rng, n, h);
        Tensor wx = randn(rng, d, gates * h), wh = randn(rng, h, gates * h), b = randn(rng, gates * h);
        RecurrentLayer cell = layer.get();
        Tensor dout = randn(rng, cell.forward(x, h0, wx, wh, b).shape());
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("dx", x);
        inputs.put("dh0", h0);
        inputs.put("dWx", wx);
        inputs.put("dWh", wh);
        inputs.put("db", b);
        Map<String, Tensor> analytic = new LinkedHashMap<>();
        inputs.forEach((name, input) -> analytic.put(name, Tensor.zeros(DType.FLOAT64, input.shape())));
        cell.backward(dout, analytic.get("dx"), analytic.get("dh0"), analytic.get("dWx"), analytic.get("dWh"),
                analytic.get("db"));
        RecurrentLayer probe = layer.get();
        Supplier<Tensor> f = () -> probe.forward(x, h0, wx, wh, b);
        inputs.forEach((name, input) -> gradients.put(name,
                new Tensor[] {numericGradientArray(f, input, dout, STEP), analytic.get(name)}));
    }

    Tensor numeric(String name) {
        return gradients.get(name)[0];
    }

    Tensor analytic(String name) {
        return gradients.get(name)[1];
    }

    void assertAllMatch(double tolerance) {
        gradients.forEach((name, g) -> assertGradient(g[0], g[1], tolerance, name));
    }
}
