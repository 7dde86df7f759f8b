package captioner.tensor;

/**
 * Plain {@link Math}-based kernels, computed in double and rounded once to float (so within about
 * half a float ulp of the exact value). The last-resort path: used when the JVM reports no FMA
 * instructions (where {@link Math#fma} and the Vector API fma would be emulated in software and
 * be far slower than this), or when forced with {@code -Dcaptioner.fastmath=math}. Only
 * {@code Math.exp}, which HotSpot intrinsifies, is used; {@code Math.tanh} is several times slower.
 */
final class MathKernels {

    private MathKernels() {}

    static float exp(float x) {
        return (float) Math.exp(x);
    }

    static float sigmoid(float x) {
        // exp(-x) may overflow double to +Inf for x < -709 only, giving the correct limit 0.
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    static float tanh(float x) {
        double a = Math.abs((double) x);
        double r;
        if (a < 0x1p-10) {
            r = a - a * a * a * (1.0 / 3.0); // next term 2a^5/15: relative 1.3e-13 at the limit
        } else if (a < 9.5) {
            double e = Math.exp(-2.0 * a);
            r = (1.0 - e) / (1.0 + e); // 1 - e loses at most ~1e-13 relative for a >= 2^-10
        } else {
            r = a == a ? 1.0 : a; // float tanh is exactly 1 from about 9.02 on; NaN stays NaN
        }
        return Math.copySign((float) r, x);
    }

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

    static double expSum(float[] a, int off, int len, float shift) {
        double sum = 0;
        for (int i = off, end = off + len; i < end; i++) {
            float v = (float) Math.exp(a[i] - shift);
            a[i] = v;
            sum += v;
        }
        return sum;
    }
}
