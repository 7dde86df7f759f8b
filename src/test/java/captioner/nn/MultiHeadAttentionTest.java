package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiHeadAttentionTest {
    private static final double H = 1e-5;

    private static MultiHeadAttention.Params params(TorchFixture f, DType dtype) {
        return new MultiHeadAttention.Params(f.tensor("queryWeight", dtype), f.tensor("queryBias", dtype),
                f.tensor("keyWeight", dtype), f.tensor("keyBias", dtype), f.tensor("valueWeight", dtype),
                f.tensor("valueBias", dtype), f.tensor("projWeight", dtype), f.tensor("projBias", dtype));
    }

    private static MultiHeadAttention.Params random(Random rng, int e) {
        return new MultiHeadAttention.Params(randn(rng, e, e), randn(rng, e), randn(rng, e, e), randn(rng, e),
                randn(rng, e, e), randn(rng, e), randn(rng, e, e), randn(rng, e));
    }

    private static Tensor[] all(MultiHeadAttention.Params p) {
        return new Tensor[] {p.queryWeight(), p.queryBias(), p.keyWeight(), p.keyBias(), p.valueWeight(),
            p.valueBias(), p.projWeight(), p.projBias()};
    }

    private static final String[] NAMES = {"queryWeight", "queryBias", "keyWeight", "keyBias", "valueWeight",
        "valueBias", "projWeight", "projBias"};

    /** Forward and every gradient of one PyTorch fixture, in float64, to 1e-10. */
    private static void assertMatchesPyTorch(String file) {
        TorchFixture f = TorchFixture.load(file);
        boolean cross = f.has("memory");
        Tensor x = f.tensor("x");
        Tensor memory = cross ? f.tensor("memory") : x;
        boolean[] mask = f.bool("causal") ? MultiHeadAttention.causalMask(x.dim(1)) : null;
        MultiHeadAttention.Params p = params(f, DType.FLOAT64);
        MultiHeadAttention attention = new MultiHeadAttention((int) f.number("heads"), 0.1);
        f.assertClose("out", attention.forward(x, memory, mask, p, null), TorchFixture.PARITY);

        MultiHeadAttention.Params g = MultiHeadAttention.Params.zeros(DType.FLOAT64, x.dim(2));
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dKey = Tensor.zeros(DType.FLOAT64, memory.shape());
        Tensor dValue = Tensor.zeros(DType.FLOAT64, memory.shape());
        attention.backward(f.tensor("dout"), dx, dKey, dValue, g);
        Kernels k = Kernels.of(DType.FLOAT64);
        k.axpy(1, dValue, dKey);
        if (cross) {
            f.assertClose("dmemory", dKey, TorchFixture.PARITY);
        } else {
            k.axpy(1, dKey, dx);
        }
        f.assertClose("dx", dx, TorchFixture.PARITY);
        Tensor[] grads = all(g);
        for (int i = 0; i < NAMES.length; i++) {
            f.assertClose("d" + NAMES[i], grads[i], TorchFixture.PARITY);
        }
    }

    @Test
    void selfAttentionMatchesPyTorch() {
        assertMatchesPyTorch("attention_self.json");
    }

    @Test
    void causalSelfAttentionMatchesPyTorch() {
        assertMatchesPyTorch("attention_causal.json");
    }

    @Test
    void crossAttentionOverShorterMemoryMatchesPyTorch() {
        assertMatchesPyTorch("attention_cross.json");
    }

    /** cs231n's published outputs, with the dropout pattern PyTorch drew for them (see the fixture script). */
    @Test
    void reproducesCs231nPublishedOutputs() {
        TorchFixture f = TorchFixture.load("cs231n.json");
        MultiHeadAttention.Params p = params(f, DType.FLOAT64);
        Tensor data = f.tensor("data");
        Tensor other = f.tensor("otherData");
        MultiHeadAttention attention = new MultiHeadAttention((int) f.number("heads"), f.number("dropout"));
        double tolerance = f.number("tolerance");
        f.assertClose("expectedSelf", attention.forward(data, data, null, p, replay(f.flags("keepSelf"))).slice(0),
                tolerance);
        f.assertClose("expectedMasked", attention.forward(data, data, f.flags("mask"), p,
                replay(f.flags("keepMasked"))).slice(0), tolerance);
        f.assertClose("expectedCross", attention.forward(data, other, null, p, replay(f.flags("keepCross"))).slice(0),
                tolerance);
    }

    private static DropoutMask replay(boolean[] pattern) {
        return (p, keep, count) -> System.arraycopy(pattern, 0, keep, 0, count);
    }

    private static void assertGradientsMatchNumeric(int n, int t, int s, int e, int heads, boolean causal,
            boolean cross, double dropout) {
        Random rng = new Random(15);
        MultiHeadAttention.Params p = random(rng, e);
        Tensor x = randn(rng, n, t, e);
        Tensor memory = cross ? randn(rng, n, s, e) : x;
        boolean[] mask = causal ? MultiHeadAttention.causalMask(t) : null;
        DropoutMask drop = dropout > 0 ? DropoutMask.counter(7, 1, 2) : null;
        MultiHeadAttention attention = new MultiHeadAttention(heads, dropout);
        Tensor dout = randn(rng, attention.forward(x, memory, mask, p, drop).shape());
        MultiHeadAttention.Params g = MultiHeadAttention.Params.zeros(DType.FLOAT64, e);
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dKey = Tensor.zeros(DType.FLOAT64, memory.shape());
        Tensor dValue = Tensor.zeros(DType.FLOAT64, memory.shape());
        attention.backward(dout, dx, dKey, dValue, g);
        Kernels k = Kernels.of(DType.FLOAT64);
        k.axpy(1, dValue, dKey);

        MultiHeadAttention probe = new MultiHeadAttention(heads, dropout);
        Supplier<Tensor> f = () -> probe.forward(x, memory, mask, p, drop);
        if (cross) {
            assertGradient(numericGradientArray(f, memory, dout, H), dKey, 1e-7, "dmemory");
        } else {
            k.axpy(1, dKey, dx);
        }
        assertGradient(numericGradientArray(f, x, dout, H), dx, 1e-7, "dx");
        Tensor[] params = all(p);
        Tensor[] grads = all(g);
        for (int i = 0; i < params.length; i++) {
            Tensor numeric = numericGradientArray(f, params[i], dout, H);
            if (params[i] == p.keyBias()) {
                // q·b_key adds the same constant to a query's every score, which softmax ignores: the
                // true gradient is 0, so both must be roundoff (a scaled error of noise means nothing).
                assertAllBelow(numeric, 1e-9, "numeric dkeyBias");
                assertAllBelow(grads[i], 1e-12, "dkeyBias");
            } else {
                assertGradient(numeric, grads[i], 1e-7, "d" + NAMES[i]);
            }
        }
    }

    private static void assertAllBelow(Tensor t, double bound, String what) {
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Math.abs(t.get(i)) < bound, what + "[" + i + "] = " + t.get(i) + " is not below " + bound);
        }
    }

    @Test
    void selfAttentionBackwardMatchesNumericGradients() {
        assertGradientsMatchNumeric(2, 4, 4, 6, 2, false, false, 0);
    }

    @Test
    void maskedSelfAttentionBackwardMatchesNumericGradients() {
        assertGradientsMatchNumeric(2, 5, 5, 6, 3, true, false, 0);
    }

    @Test
    void crossAttentionBackwardMatchesNumericGradients() {
        assertGradientsMatchNumeric(2, 4, 3, 8, 2, false, true, 0);
    }

    @Test
    void crossAttentionOverOneMemoryPositionMatchesNumericGradients() {
        assertGradientsMatchNumeric(3, 4, 1, 4, 2, false, true, 0);
    }

    @Test
    void attentionDropoutBackwardMatchesNumericGradients() {
        assertGradientsMatchNumeric(2, 4, 4, 6, 2, true, false, 0.3);
    }

    @Test
    void causalQueryIgnoresLaterPositions() {
        Random rng = new Random(3);
        int n = 1, t = 5, e = 4;
        MultiHeadAttention.Params p = random(rng, e);
        Tensor x = randn(rng, n, t, e);
        boolean[] mask = MultiHeadAttention.causalMask(t);
        Tensor before = new MultiHeadAttention(2, 0).forward(x, x, mask, p, null).copy(DType.FLOAT64);
        x.set(4 * e + 1, x.get(4 * e + 1) + 10); // the last position only
        Tensor after = new MultiHeadAttention(2, 0).forward(x, x, mask, p, null);
        for (int i = 0; i < 4 * e; i++) {
            assertEquals(before.get(i), after.get(i), 0.0, "position " + i / e + " saw a later position");
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        TorchFixture f = TorchFixture.load("attention_cross.json");
        MultiHeadAttention attention = new MultiHeadAttention((int) f.number("heads"), 0);
        Tensor out = attention.forward(f.tensor("x", DType.FLOAT32), f.tensor("memory", DType.FLOAT32), null,
                params(f, DType.FLOAT32), null);
        f.assertClose("out", out, 1e-4);
        MultiHeadAttention.Params g = MultiHeadAttention.Params.zeros(DType.FLOAT32, out.dim(2));
        Tensor dx = Tensor.zeros(DType.FLOAT32, out.shape());
        Tensor dKey = Tensor.zeros(DType.FLOAT32, f.tensor("memory").shape());
        Tensor dValue = Tensor.zeros(DType.FLOAT32, dKey.shape());
        attention.backward(f.tensor("dout", DType.FLOAT32), dx, dKey, dValue, g);
        f.assertClose("dx", dx, 1e-4);
        f.assertClose("dqueryWeight", g.queryWeight(), 1e-4);
        Kernels.of(DType.FLOAT32).axpy(1, dValue, dKey);
        f.assertClose("dmemory", dKey, 1e-4);
    }

    @Test
    void maskedFloat32AgreesWithFloat64() {
        TorchFixture f = TorchFixture.load("attention_causal.json");
        MultiHeadAttention attention = new MultiHeadAttention((int) f.number("heads"), 0);
        Tensor x = f.tensor("x", DType.FLOAT32);
        Tensor out = attention.forward(x, x, MultiHeadAttention.causalMask(x.dim(1)), params(f, DType.FLOAT32), null);
        f.assertClose("out", out, 1e-4);
        MultiHeadAttention.Params g = MultiHeadAttention.Params.zeros(DType.FLOAT32, x.dim(2));
        Tensor dx = Tensor.zeros(DType.FLOAT32, x.shape());
        Tensor dKey = Tensor.zeros(DType.FLOAT32, x.shape());
        Tensor dValue = Tensor.zeros(DType.FLOAT32, x.shape());
        attention.backward(f.tensor("dout", DType.FLOAT32), dx, dKey, dValue, g);
        Kernels k = Kernels.of(DType.FLOAT32);
        k.axpy(1, dKey, dx);
        k.axpy(1, dValue, dx);
        f.assertClose("dx", dx, 1e-4);
        f.assertClose("dkeyWeight", g.keyWeight(), 1e-4);
        f.assertClose("dprojWeight", g.projWeight(), 1e-4);
    }

    @Test
    void rejectsMaskRowThatAttendsNowhere() {
        Random rng = new Random(1);
        Tensor x = randn(rng, 1, 2, 4);
        boolean[] mask = {true, false, false, false};
        assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadAttention(2, 0).forward(x, x, mask, random(rng, 4), null));
    }

    /**
     * Seed 004's attention: heads projected to their own widths (E = 5 in, H·Dk = 6 for queries and keys,
     * H·Dv = 4 for values, E' = 3 out), checked against numeric gradients of the input and every parameter.
     */
    @Test
    void headsOfTheirOwnWidthMatchNumericGradients() {
        Random rng = new Random(16);
        int n = 2;
        int t = 4;
        MultiHeadAttention.Params p = new MultiHeadAttention.Params(randn(rng, 6, 5), randn(rng, 6), randn(rng, 6, 5),
                randn(rng, 6), randn(rng, 4, 5), randn(rng, 4), randn(rng, 3, 4), randn(rng, 3));
        Tensor x = randn(rng, n, t, 5);
        MultiHeadAttention attention = new MultiHeadAttention(2, 0);
        Tensor out = attention.forward(x, x, null, p, null);
        assertArrayEquals(new int[] {n, t, 3}, out.shape());
        Tensor dout = randn(rng, out.shape());
        Tensor[] params = all(p);
        MultiHeadAttention.Params g = new MultiHeadAttention.Params(Tensor.zeros(DType.FLOAT64, 6, 5),
                Tensor.zeros(DType.FLOAT64, 6), Tensor.zeros(DType.FLOAT64, 6, 5), Tensor.zeros(DType.FLOAT64, 6),
                Tensor.zeros(DType.FLOAT64, 4, 5), Tensor.zeros(DType.FLOAT64, 4), Tensor.zeros(DType.FLOAT64, 3, 4),
                Tensor.zeros(DType.FLOAT64, 3));
        Tensor dx = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dKey = Tensor.zeros(DType.FLOAT64, x.shape());
        Tensor dValue = Tensor.zeros(DType.FLOAT64, x.shape());
        attention.backward(dout, dx, dKey, dValue, g);
        Kernels k = Kernels.of(DType.FLOAT64);
        k.axpy(1, dKey, dx);
        k.axpy(1, dValue, dx);
        MultiHeadAttention probe = new MultiHeadAttention(2, 0);
        Supplier<Tensor> f = () -> probe.forward(x, x, null, p, null);
        assertGradient(numericGradientArray(f, x, dout, H), dx, 1e-7, "dx");
        Tensor[] grads = all(g);
        for (int i = 0; i < params.length; i++) {
            if (params[i] != p.keyBias()) {  // its true gradient is 0 (see above)
                assertGradient(numericGradientArray(f, params[i], dout, H), grads[i], 1e-7, "d" + NAMES[i]);
            }
        }
    }

    @Test
    void rejectsWidthNotDivisibleByHeads() {
        Random rng = new Random(1);
        Tensor x = randn(rng, 1, 2, 6);
        assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadAttention(4, 0).forward(x, x, null, random(rng, 6), null));
    }
}
