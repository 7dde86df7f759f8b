package captioner.tensor;

/**
 * Run in a child JVM by {@link FloatMathTest} (with or without jdk.incubator.vector): prints
 * FloatMath.implementation(), whether the module is present, and the bit patterns that the public
 * API gives for {@link #inputs()}, so the parent can compare them with its own paths.
 */
public final class PathProbe {

    private PathProbe() {}

    static float[] inputs() {
        float[] x = new float[101];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 50) * 0.37f + i * 1e-3f;
        }
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = -0f;
        x[4] = Float.MIN_VALUE;
        x[5] = -100f;
        return x;
    }

    /** sigmoid, tanh and exp of inputs() through the public range API, then the expSum sum. */
    static String fingerprint() {
        StringBuilder sb = new StringBuilder();
        float[] s = inputs();
        FloatMath.sigmoid(s, 0, s.length);
        float[] t = inputs();
        FloatMath.tanh(t, 0, t.length);
        float[] e = inputs();
        double sum = FloatMath.expSum(e, 6, e.length - 6, 3f);
        for (float[] arr : new float[][] {s, t, e}) {
            for (float v : arr) {
                sb.append(Integer.toHexString(Float.floatToIntBits(v))).append(' ');
            }
            sb.append('\n');
        }
        sb.append(Double.doubleToLongBits(sum) != 0 ? "sum-ok" : "sum-zero");
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.println(FloatMath.implementation());
        System.out.println("module=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println(fingerprint());
    }
}
