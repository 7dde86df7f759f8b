package captioner.tensor;

/** In-place float32 transcendentals over array ranges. */
public final class FloatMath {
    private FloatMath() {
    }

    /** Which implementation runs. */
    public static String implementation() {
        return "scalar";
    }

    public static void sigmoid(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            a[i] = (float) F64Kernels.sigmoid(a[i]);
        }
    }

    public static void tanh(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    public static double expSum(float[] a, int off, int len, float shift) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            float e = (float) Math.exp(a[i] - shift);
            a[i] = e;
            s += e;
        }
        return s;
    }
}
