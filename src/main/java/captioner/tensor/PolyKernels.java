package captioner.tensor;

/**
 * Scalar float32 versions of the polynomial kernels that {@link VectorKernels} evaluates with
 * the Vector API. Every function here performs exactly the same IEEE operations, in the same
 * order, as its vector twin (fma via {@link Math#fma(float, float, float)}, which the JIT turns
 * into one FMA instruction), so a value gets the bit-identical result whichever path computes
 * it: the vector loop body, a range tail, the scalar companions in {@link FloatMath}, or the
 * no-module fallback when FMA hardware is present.
 *
 * <p>This class must never reference {@code jdk.incubator.vector}: it is used when that module is
 * absent.
 *
 * <h2>Algorithms</h2>
 * <ul>
 *   <li><b>exp(x)</b>: clamp x to [-104, 88.8] (outside that the float result is 0 or +Inf
 *       anyway; NaN passes through the clamp), n = rint(x·log2 e) by the 1.5·2<sup>23</sup>
 *       round-to-integer trick, r = x − n·ln2 with ln2 split into a float head and tail (two
 *       fmas), e<sup>r</sup> by a degree-6 minimax polynomial on |r| ≤ ln2/2 (Horner, fma),
 *       then a scale by 2<sup>n</sup> done as two exact power-of-two multiplications
 *       2<sup>⌊n/2⌋</sup>·2<sup>n−⌊n/2⌋</sup>, so overflow gives +Inf and gradual underflow gives
 *       correctly scaled subnormals and finally 0.</li>
 *   <li><b>sigmoid(x)</b>: e = exp(−|x|) ∈ [0, 1]; result = (x ≥ 0 ? 1 : e) / (1 + e). No
 *       overflow, no cancellation, one division.</li>
 *   <li><b>tanh(x)</b>: on a = |x|: for a &lt; 0.625 the odd minimax polynomial
 *       a + a³·P(a²) (P of degree 5), which keeps full relative accuracy down to subnormals
 *       (a³ underflows and the result is exactly a); otherwise (1 − e)/(1 + e) with
 *       e = exp(−2a), which saturates to exactly 1 for a ≳ 9.01 and for ±Inf. The result is negated
 *       for x &lt; 0 and ±0 returns itself, so tanh is exactly odd (including −0).</li>
 * </ul>
 */
final class PolyKernels {

    private PolyKernels() {}

    // ---- exp -------------------------------------------------------------------------------
    /** Below this exp(x) rounds to 0 in float (exp(-104) ≈ 6.8e-46 < Float.MIN_VALUE / 2). */
    static final float EXP_LO = -104f;
    /** Above log(Float.MAX_VALUE) ≈ 88.7228; clamped values still overflow to +Inf. */
    static final float EXP_HI = 88.8f;
    static final float LOG2E = 0x1.715476p0f;
    static final float LN2_HI = 0x1.62e430p-1f;
    static final float LN2_LO = -0x1.05c610p-29f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
    static final float ROUND_MAGIC = 0x1.8p23f;
    static final int ROUND_MAGIC_BITS = 0x4b400000;
    // e^r ≈ 1 + r + E2 r^2 + ... + E6 r^6 on |r| <= ln2/2 (minimax on relative error, ~4e-9).
    static final float E2 = 0x1.fffffcp-2f;
    static final float E3 = 0x1.555490p-3f;
    static final float E4 = 0x1.5558f4p-5f;
    static final float E5 = 0x1.123a6cp-7f;
    static final float E6 = 0x1.6a2354p-10f;

    // ---- tanh ------------------------------------------------------------------------------
    /** Below this |x| tanh uses the odd polynomial, at or above it the exp formula. */
    static final float TANH_POLY_LIMIT = 0.625f;
    // tanh(a) ≈ a + a^3 (T0 + T1 s + ... + T5 s^5), s = a^2, on [0, 0.625] (relative error ~4e-9).
    static final float T0 = -0x1.555554p-2f;
    static final float T1 = 0x1.111062p-3f;
    static final float T2 = -0x1.b9edf6p-5f;
    static final float T3 = 0x1.63852ap-6f;
    static final float T4 = -0x1.0bd888p-7f;
    static final float T5 = 0x1.1881aap-9f;

    /** exp(x) in float; see the class comment. */
    static float exp(float x) {
        float xc = x < EXP_LO ? EXP_LO : x; // NaN fails both tests and stays NaN
        xc = xc > EXP_HI ? EXP_HI : xc;
        float t = Math.fma(xc, LOG2E, ROUND_MAGIC);
        float nf = t - ROUND_MAGIC;
        int n = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(nf, -LN2_HI, xc);
        r = Math.fma(nf, -LN2_LO, r);
        float p = Math.fma(E6, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int n1 = n >> 1;
        int n2 = n - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float num = x >= 0f ? 1f : e;
        return num / (e + 1f);
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float r;
        if (a < TANH_POLY_LIMIT) {
            float s = a * a;
            float p = Math.fma(T5, s, T4);
            p = Math.fma(p, s, T3);
            p = Math.fma(p, s, T2);
            p = Math.fma(p, s, T1);
            p = Math.fma(p, s, T0);
            r = Math.fma(a * s, p, a);
        } else { // also NaN
            float e = exp(a * -2f);
            r = (1f - e) / (e + 1f);
        }
        if (x < 0f) {
            r = -r;
        }
        return x == 0f ? x : r; // ±0 stays ±0
    }

    // ---- ranges ------------------------------------------------------------------------------

    static void sigmoid(float[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    static void tanh(float[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            a[i] = tanh(a[i]);
        }
    }

    /** a[i] = exp(a[i] - shift); returns the sum, accumulated in double. */
    static double expSum(float[] a, int off, int len, float shift) {
        double sum = 0;
        for (int i = off, end = off + len; i < end; i++) {
            float v = exp(a[i] - shift);
            a[i] = v;
            sum += v;
        }
        return sum;
    }
}
