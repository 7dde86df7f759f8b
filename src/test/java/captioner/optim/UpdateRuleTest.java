package captioner.optim;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.Random;

import static captioner.TestTensors.linspace;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateRuleTest {
    private static final int N = 20;

    private static Tensor w() {
        return linspace(-0.4, 0.6, N);
    }

    private static Tensor dw() {
        return linspace(-0.6, 0.4, N);
    }

    @Test
    void sgdStepsAgainstTheGradient() {
        Tensor w = w(), dw = dw();
        UpdateRuleType.SGD.create(N, DType.FLOAT64).update(w, dw, 0.1);
        for (int i = 0; i < N; i++) {
            assertEquals(w().get(i) - 0.1 * dw.get(i), w.get(i), 1e-15);
        }
    }

    @Test
    void momentumAccumulatesVelocity() {
        Tensor w = w(), dw = dw();
        UpdateRule rule = UpdateRuleType.SGD_MOMENTUM.create(N, DType.FLOAT64);
        rule.update(w, dw, 0.1);
        rule.update(w, dw, 0.1);
        for (int i = 0; i < N; i++) {
            // v1 = -lr dw; v2 = 0.9 v1 - lr dw; w2 = w0 + v1 + v2
            double v1 = -0.1 * dw.get(i);
            double v2 = 0.9 * v1 - 0.1 * dw.get(i);
            assertEquals(w().get(i) + v1 + v2, w.get(i), 1e-15);
        }
    }

    @Test
    void rmspropFirstStepIsTenTimesLearningRateTimesSign() {
        Tensor w = w(), dw = dw();
        UpdateRuleType.RMSPROP.create(N, DType.FLOAT64).update(w, dw, 1e-2);
        for (int i = 0; i < N; i++) {
            double g = dw.get(i);
            double expected = w().get(i) - 1e-2 * g / (Math.sqrt(0.01 * g * g) + 1e-8);
            assertEquals(expected, w.get(i), 1e-15);
        }
    }

    @Test
    void adamMatchesCs231nFormulaOverSeveralSteps() {
        Tensor w = w();
        UpdateRule rule = UpdateRuleType.ADAM.create(N, DType.FLOAT64);
        double[] ref = w().toDoubleArray();
        double[] m = new double[N], v = new double[N];
        for (int t = 1; t <= 5; t++) {
            Tensor dw = linspace(-0.6 + 0.1 * t, 0.4 * t, N);
            rule.update(w, dw, 1e-2);
            for (int i = 0; i < N; i++) {
                double g = dw.get(i);
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mb = m[i] / (1 - Math.pow(0.9, t));
                double vb = v[i] / (1 - Math.pow(0.999, t));
                ref[i] -= 1e-2 * mb / (Math.sqrt(vb) + 1e-8);
            }
        }
        for (int i = 0; i < N; i++) {
            assertEquals(ref[i], w.get(i), 1e-14);
        }
        assertEquals(5, ((Adam) rule).steps());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void adamIsBitwiseTheThreePassKernelSequence(DType dtype) {
        // Adam.update fuses lerp, lerpSquares and addRatio; it must not change a single bit.
        int n = 1001;
        Random rng = new Random(5);
        Kernels k = Kernels.of(dtype);
        Tensor w = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            w.set(i, rng.nextGaussian());
        }
        Tensor ref = w.copy(dtype), m = Tensor.zeros(dtype, n), v = Tensor.zeros(dtype, n);
        UpdateRule rule = UpdateRuleType.ADAM.create(n, dtype);
        for (int t = 1; t <= 6; t++) {
            Tensor dw = Tensor.zeros(dtype, n);
            for (int i = 0; i < n; i++) {
                dw.set(i, rng.nextGaussian() * Math.pow(10, -5 * rng.nextDouble()));
            }
            rule.update(w, dw, 3e-3);
            k.lerp(m, dw, Adam.BETA1);
            k.lerpSquares(v, dw, Adam.BETA2);
            k.addRatio(ref, -3e-3 / (1 - Math.pow(Adam.BETA1, t)), m, v, 1 / (1 - Math.pow(Adam.BETA2, t)),
                    Adam.EPSILON);
        }
        assertArrayEquals(ref.toDoubleArray(), w.toDoubleArray());
        assertArrayEquals(m.toDoubleArray(), rule.state().get("m").toDoubleArray());
        assertArrayEquals(v.toDoubleArray(), rule.state().get("v").toDoubleArray());
    }

    @Test
    void adamFirstStepMovesEachWeightByTheLearningRate() {
        Tensor w = Tensor.zeros(DType.FLOAT32, 3);
        Tensor dw = Tensor.of(DType.FLOAT32, new double[] {3, -0.001, 250}, 3);
        UpdateRuleType.ADAM.create(3, DType.FLOAT32).update(w, dw, 5e-3);
        assertEquals(-5e-3, w.get(0), 1e-8);
        assertEquals(5e-3, w.get(1), 1e-7);
        assertEquals(-5e-3, w.get(2), 1e-8);
    }

    @Test
    void stateRestoresExactly() {
        UpdateRule a = UpdateRuleType.ADAM.create(N, DType.FLOAT64);
        Tensor wa = w();
        a.update(wa, dw(), 1e-2);
        UpdateRule b = UpdateRuleType.ADAM.create(N, DType.FLOAT64);
        b.restore(Map.of("m", a.state().get("m").copy(DType.FLOAT64), "v", a.state().get("v").copy(DType.FLOAT64),
                "t", a.state().get("t").copy(DType.FLOAT64)));
        Tensor wb = wa.copy(DType.FLOAT64);
        a.update(wa, dw(), 1e-2);
        b.update(wb, dw(), 1e-2);
        for (int i = 0; i < N; i++) {
            assertEquals(wa.get(i), wb.get(i), 0.0);
        }
    }

    @Test
    void unknownRuleNamesTheChoices() {
        String msg = assertThrows(captioner.BadInputException.class, () -> UpdateRuleType.parse("adagrad"))
                .getMessage();
        assertTrue(msg.contains("'adagrad'") && msg.contains("sgd, sgd_momentum, rmsprop, adam"), msg);
    }
    @ParameterizedTest
    @EnumSource(UpdateRuleType.class)
    void slicesUpdatedOneByOneGiveTheWholeStepsBits(UpdateRuleType type) {
        // Float32 with a gradient of mixed magnitudes: any change in the arithmetic would show in the bits.
        Random rng = new Random(3);
        int n = 1003;
        Tensor w = Tensor.zeros(DType.FLOAT32, n);
        Tensor dw = Tensor.zeros(DType.FLOAT32, n);
        for (int i = 0; i < n; i++) {
            w.set(i, rng.nextGaussian());
        }
        Tensor sliced = w.copy(DType.FLOAT32);
        UpdateRule whole = type.create(n, DType.FLOAT32);
        int[] cuts = {0, 1, 17, 500, 501, n};
        // One rule per slice, as each reduce-scatter owner holds its own (its step count advances once per step).
        UpdateRule[] owners = new UpdateRule[cuts.length - 1];
        for (int c = 0; c < owners.length; c++) {
            owners[c] = type.create(n, DType.FLOAT32);
        }
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < n; i++) {
                dw.set(i, rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
            }
            whole.update(w, dw, 1e-2);
            for (int c = 0; c + 1 < cuts.length; c++) {
                Tensor before = sliced.copy(DType.FLOAT32);
                owners[c].update(sliced, dw, 1e-2, cuts[c], cuts[c + 1] - cuts[c]);
                for (int i = 0; i < n; i++) {
                    if (i < cuts[c] || i >= cuts[c + 1]) {
                        assertEquals(before.get(i), sliced.get(i), "element " + i + " outside the range moved");
                    }
                }
            }
        }
        assertArrayEquals(w.floatStorage(), sliced.floatStorage());
        for (Map.Entry<String, Tensor> e : whole.state().entrySet()) {
            for (int c = 0; c < owners.length; c++) {
                Tensor mine = owners[c].state().get(e.getKey());
                if (e.getValue().size() == n) {
                    for (int i = cuts[c]; i < cuts[c + 1]; i++) {
                        assertEquals(e.getValue().get(i), mine.get(i), e.getKey() + "[" + i + "]");
                    }
                } else {
                    assertArrayEquals(e.getValue().toDoubleArray(), mine.toDoubleArray(), e.getKey());
                }
            }
        }
    }
}
