package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 004, question 2: an LSTM with hand-set weights whose cell state is the running parity of a bit
 * string. Over inputs [h_{t-1}, x_t] the seed sets forget w_f = [0, −2], b_f = 1 (f = NOT x_t); input
 * w_i = [−2, 0], b_i = 1 (i = NOT h_{t-1}); candidate w_c = [0, 1], b_c = 0 (c̃ = x_t); output w_o = [0, 0],
 * b_o = 1 (o = 1); h_0 = 0. Then c_t = f·c_{t-1} + i·c̃ = XOR(c_{t-1}, x_t): the seed's C_t is the parity,
 * and h_t = o·tanh(c_t) is tanh(1) ≈ 0.76 for odd parity and 0 for even, which still drives i through
 * its threshold at h = 1/2.
 *
 * <p>The seed reads the gates as steps. Our gates are sigmoids and the candidate a tanh, so every
 * weight and bias is multiplied by {@link #SCALE} = 10: pre-activations of ±1 become ±10, where
 * σ(10) = 1 − 4.5e-5 and tanh(10) = 1 − 4e-9, and the weakest one, i at h = tanh(1)·σ(10) (pre-activation
 * 10·(1 − 2·0.76) ≈ −5.2), is σ(−5.2) ≈ 0.005. Unscaled (×1) the cell forgets within a few steps.
 */
class ParityLstmTest {
    static final double SCALE = 10;
    private static final int BITS = 12;

    /**
     * The seed's weights in our layout, gate order i, f, o, g along 4H (H = 1, D = 1):
     * Wx (D, 4H) holds each gate's weight on x_t, Wh (H, 4H) its weight on h_{t-1}, b (4H) its bias.
     */
    private static Tensor[] weights(double scale) {
        //                    i     f     o     g (candidate)
        double[] onH =     {-2.0,  0.0,  0.0,  0.0};
        double[] onX =     { 0.0, -2.0,  0.0,  1.0};
        double[] bias =    { 1.0,  1.0,  1.0,  0.0};
        return new Tensor[] {scaled(onX, scale, 1, 4), scaled(onH, scale, 1, 4), scaled(bias, scale, 4)};
    }

    private static Tensor scaled(double[] v, double scale, int... shape) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = v[i] * scale;
        }
        return Tensor.of(DType.FLOAT64, s, shape);
    }

    /** All 4096 strings as one batch, time-major (T, N, 1): bit t of string n is x_t. */
    private static Tensor allStrings() {
        int n = 1 << BITS;
        Tensor x = Tensor.zeros(DType.FLOAT64, BITS, n, 1);
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < BITS; t++) {
                x.set(t * n + s, (s >> t) & 1);
            }
        }
        return x;
    }

    /** Runs the cell step by step; returns the largest |c_t − parity_t| over all strings and steps. */
    private static double worstCellError(double scale) {
        Tensor[] w = weights(scale);
        Tensor x = allStrings();
        int n = x.dim(1);
        Lstm lstm = new Lstm();
        Tensor h = Tensor.zeros(DType.FLOAT64, n, 1);
        Tensor c = Tensor.zeros(DType.FLOAT64, n, 1);
        int[] parity = new int[n];
        double worst = 0;
        for (int t = 0; t < BITS; t++) {
            Tensor[] next = lstm.stepForward(x.slice(t), h, c, w[0], w[1], w[2]);
            h = next[0].copy(DType.FLOAT64);
            c = next[1].copy(DType.FLOAT64);
            for (int s = 0; s < n; s++) {
                parity[s] ^= (s >> t) & 1;
                worst = Math.max(worst, Math.abs(c.get(s) - parity[s]));
            }
        }
        return worst;
    }

    @Test
    void cellStateIsTheRunningParityOfEveryTwelveBitString() {
        double worst = worstCellError(SCALE);
        assertTrue(worst < 0.01, "largest |c_t - parity| over all 4096 strings and 12 steps: " + worst);
    }

    @Test
    void hiddenStateOfTheSequenceLayerReadsOutTheParity() {
        Tensor[] w = weights(SCALE);
        Tensor x = allStrings();
        int n = x.dim(1);
        Tensor h = new Lstm().forward(x, Tensor.zeros(DType.FLOAT64, n, 1), w[0], w[1], w[2]);
        double odd = Math.tanh(1);
        for (int s = 0; s < n; s++) {
            int parity = 0;
            for (int t = 0; t < BITS; t++) {
                parity ^= (s >> t) & 1;
                assertEquals(parity * odd, h.get(t * n + s), 0.01, "string " + s + " after bit " + t);
            }
        }
    }

    @Test
    void unsaturatedGatesLoseTheParity() {
        assertTrue(worstCellError(1) > 0.5, "without scaling the sigmoids are too soft to hold the parity");
    }
}
