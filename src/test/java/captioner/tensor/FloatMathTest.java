package captioner.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import captioner.tensor.FloatMathAccuracy.Kernel;
import captioner.tensor.FloatMathAccuracy.Ref;
import captioner.tensor.FloatMathAccuracy.Stats;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FloatMathTest {

    static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Max error allowed versus Math in double, in float ulps (measured: <= 2.4). */
    static final double MAX_ULP = 4.0;
    /** Max relative error allowed where the result is a normal float (measured: <= 1.7e-7). */
    static final double MAX_REL = 5e-7;

    /** Named kernel sets of the three paths, as range kernels with expSum's shift fixed to 0. */
    record Path3(String name, Kernel exp, Kernel sigmoid, Kernel tanh) {}

    static Path3 path(String name) {
        return switch (name) {
            case "vector" -> vectorPath();
            case "poly" -> new Path3(name, (a, o, l) -> PolyKernels.expSum(a, o, l, 0f),
                    PolyKernels::sigmoid, PolyKernels::tanh);
            case "math" -> new Path3(name, (a, o, l) -> MathKernels.expSum(a, o, l, 0f),
                    MathKernels::sigmoid, MathKernels::tanh);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Path3 vectorPath() {
        assumeTrue(VECTOR_MODULE, "jdk.incubator.vector not present");
        return new Path3("vector", (a, o, l) -> VectorKernels.expSum(a, o, l, 0f),
                VectorKernels::sigmoid, VectorKernels::tanh);
    }

    static double refSigmoid(float x) {
        return 1.0 / (1.0 + Math.exp(-(double) x));
    }

    /** Applies a range kernel to one value (as a 1-element range: the scalar code path). */
    static float one(Kernel k, float x) {
        float[] a = {x};
        k.apply(a, 0, 1);
        return a[0];
    }

    /** Applies a range kernel to many values at once (vector loop + tail). */
    static float[] many(Kernel k, float... xs) {
        float[] a = xs.clone();
        k.apply(a, 0, a.length);
        return a;
    }

    static void assertAccurate(String what, Stats st) {
        assertEquals(0, st.specialFailures, what + ": " + st);
        assertTrue(st.maxUlp <= MAX_ULP, what + ": " + st);
        assertTrue(st.maxRel <= MAX_REL, what + ": " + st);
    }

    /** Dense inputs: a fine linear grid over the interesting range plus the region near 0. */
    static float[] denseInputs() {
        List<Float> xs = new ArrayList<>();
        for (int i = -2_000_000; i <= 2_000_000; i++) {
            xs.add(i * 1e-5f); // [-20, 20]
        }
        for (int i = -120_000; i <= 120_000; i++) {
            xs.add(i * 1e-3f); // [-120, 120]
        }
        for (float c : new float[] {0.625f, 9.0f, 9.02f, 88.72f, -87.33f, -103.97f, -88.72f, 0.5f, 1f}) {
            float v = c;
            float w = c;
            for (int i = 0; i < 2000; i++) {
                xs.add(v);
                xs.add(-v);
                xs.add(w);
                xs.add(-w);
                v = Math.nextUp(v);
                w = Math.nextDown(w);
            }
        }
        for (int e = -149; e <= 127; e++) { // powers of two and neighbours, both signs
            float p = (float) Math.scalb(1.0, e);
            for (float v : new float[] {p, Math.nextUp(p), Math.nextDown(p), 1.37f * p}) {
                xs.add(v);
                xs.add(-v);
            }
        }
        float[] a = new float[xs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = xs.get(i);
        }
        return a;
    }

    static Stats check(Kernel k, Ref ref, float[] inputs) {
        float[] out = many(k, inputs);
        Stats st = new Stats();
        for (int i = 0; i < inputs.length; i++) {
            st.add(inputs[i], out[i], ref.at(inputs[i]));
        }
        return st;
    }

    // ---- accuracy --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void expAccurate(String name) {
        Path3 p = path(name);
        assertAccurate(name + " exp dense", check(p.exp, x -> Math.exp(x), denseInputs()));
        assertAccurate(name + " exp bit-pattern sweep", FloatMathAccuracy.sweep(p.exp, null, x -> Math.exp(x), 4099));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void sigmoidAccurate(String name) {
        Path3 p = path(name);
        assertAccurate(name + " sigmoid dense", check(p.sigmoid, FloatMathTest::refSigmoid, denseInputs()));
        assertAccurate(name + " sigmoid bit-pattern sweep",
                FloatMathAccuracy.sweep(p.sigmoid, null, FloatMathTest::refSigmoid, 4099));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void tanhAccurate(String name) {
        Path3 p = path(name);
        assertAccurate(name + " tanh dense", check(p.tanh, x -> Math.tanh(x), denseInputs()));
        assertAccurate(name + " tanh bit-pattern sweep", FloatMathAccuracy.sweep(p.tanh, null, x -> Math.tanh(x), 4099));
    }

    @Test
    void vectorAndPolyAreBitIdentical() {
        assumeTrue(VECTOR_MODULE);
        Path3 v = path("vector");
        Path3 p = path("poly");
        float[] in = denseInputs();
        assertArrayEquals(many(p.exp, in), many(v.exp, in));
        assertArrayEquals(many(p.sigmoid, in), many(v.sigmoid, in));
        assertArrayEquals(many(p.tanh, in), many(v.tanh, in));
        assertEquals(0, FloatMathAccuracy.sweep(v.tanh, p.tanh, x -> Math.tanh(x), 65537).mismatches);
        assertEquals(0, FloatMathAccuracy.sweep(v.sigmoid, p.sigmoid, FloatMathTest::refSigmoid, 65537).mismatches);
        assertEquals(0, FloatMathAccuracy.sweep(v.exp, p.exp, x -> Math.exp(x), 65537).mismatches);
    }

    // ---- special values ----------------------------------------------------------------------

    static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        1e-30f, -1e-30f, 1e-8f, -1e-8f, 20f, -20f, 88f, -88f, 100f, -100f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void specialValues(String name) {
        Path3 p = path(name);
        // Check each edge value alone (scalar code path) and inside a long range (vector lanes).
        float[] padded = new float[EDGES.length * 3];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = EDGES[i % EDGES.length];
        }
        for (Kernel k : new Kernel[] {p.exp, p.sigmoid, p.tanh}) {
            float[] out = many(k, padded);
            for (int i = 0; i < padded.length; i++) {
                assertEquals(Float.floatToIntBits(one(k, padded[i])), Float.floatToIntBits(out[i]),
                        name + " lane/scalar mismatch at x=" + padded[i]);
            }
        }
        Kernel exp = p.exp;
        assertEquals(1f, one(exp, 0f));
        assertEquals(1f, one(exp, -0f));
        assertEquals(1f, one(exp, Float.MIN_VALUE));
        assertEquals(1f, one(exp, 1e-30f));
        assertEquals(0f, one(exp, Float.NEGATIVE_INFINITY));
        assertEquals(0f, one(exp, -104f));
        assertEquals(0f, one(exp, -Float.MAX_VALUE));
        assertEquals(Float.POSITIVE_INFINITY, one(exp, Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, one(exp, 100f));
        assertEquals(Float.POSITIVE_INFINITY, one(exp, 88.73f));
        assertEquals(Float.POSITIVE_INFINITY, one(exp, Float.MAX_VALUE));
        assertTrue(Float.isFinite(one(exp, 88.72f)));
        assertEquals(Math.exp(88), one(exp, 88f), 2 * Math.ulp((float) Math.exp(88)));
        assertEquals(Math.exp(-100), one(exp, -100f), 2 * Float.MIN_VALUE); // subnormal
        assertEquals(Math.exp(-88), one(exp, -88f), 2 * Math.ulp((float) Math.exp(-88)));
        assertTrue(Float.isNaN(one(exp, Float.NaN)));

        Kernel sig = p.sigmoid;
        assertEquals(0.5f, one(sig, 0f));
        assertEquals(0.5f, one(sig, -0f));
        assertEquals(0.5f, one(sig, Float.MIN_VALUE));
        assertEquals(1f, one(sig, Float.POSITIVE_INFINITY));
        assertEquals(0f, one(sig, Float.NEGATIVE_INFINITY));
        assertEquals(1f, one(sig, 100f));
        assertEquals(1f, one(sig, Float.MAX_VALUE));
        assertEquals(0f, one(sig, -Float.MAX_VALUE));
        assertEquals(refSigmoid(-20f), one(sig, -20f), 2 * Math.ulp((float) refSigmoid(-20f)));
        assertEquals(refSigmoid(-88f), one(sig, -88f), 2 * Math.ulp((float) refSigmoid(-88f)));
        assertEquals(refSigmoid(-100f), one(sig, -100f), 2 * Float.MIN_VALUE);
        assertEquals((float) refSigmoid(20f), one(sig, 20f));
        assertTrue(Float.isNaN(one(sig, Float.NaN)));

        Kernel tanh = p.tanh;
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(one(tanh, 0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(one(tanh, -0f)));
        assertEquals(Float.MIN_VALUE, one(tanh, Float.MIN_VALUE));
        assertEquals(-Float.MIN_VALUE, one(tanh, -Float.MIN_VALUE));
        assertEquals(1e-30f, one(tanh, 1e-30f));
        assertEquals(-1e-30f, one(tanh, -1e-30f));
        assertEquals(1e-8f, one(tanh, 1e-8f));
        assertEquals(-Float.MIN_NORMAL, one(tanh, -Float.MIN_NORMAL));
        for (float big : new float[] {9.1f, 20f, 88f, 100f, Float.MAX_VALUE, Float.POSITIVE_INFINITY}) {
            assertEquals(1f, one(tanh, big), "tanh(" + big + ")");
            assertEquals(-1f, one(tanh, -big), "tanh(" + -big + ")");
        }
        assertTrue(Float.isNaN(one(tanh, Float.NaN)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void tanhIsOddAndMonotone(String name) {
        Kernel tanh = path(name).tanh;
        float[] x = new float[200_001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 100_000) * 1e-4f;
        }
        float[] neg = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            neg[i] = -x[i];
        }
        float[] y = many(tanh, x);
        float[] yn = many(tanh, neg);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(-y[i]), Float.floatToIntBits(yn[i]), "odd at " + x[i]);
            if (i > 0) {
                assertTrue(y[i] >= y[i - 1], "monotone at " + x[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void sigmoidSymmetry(String name) {
        // sigmoid(x) + sigmoid(-x) == 1 up to rounding; and monotone
        Kernel sig = path(name).sigmoid;
        float[] x = new float[40_001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 20_000) * 1e-3f;
        }
        float[] neg = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            neg[i] = -x[i];
        }
        float[] y = many(sig, x);
        float[] yn = many(sig, neg);
        for (int i = 0; i < x.length; i++) {
            assertEquals(1.0, (double) y[i] + yn[i], 2.5e-7, "at " + x[i]);
            if (i > 0) {
                assertTrue(y[i] >= y[i - 1], "monotone at " + x[i]);
            }
        }
    }

    // ---- ranges, offsets, tails ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void rangesTouchOnlyTheirElementsAndIgnorePosition(String name) {
        Path3 p = path(name);
        Random rnd = new Random(7);
        float[] base = new float[200];
        for (int i = 0; i < base.length; i++) {
            base[i] = (float) (rnd.nextGaussian() * 6);
        }
        for (Kernel k : new Kernel[] {p.exp, p.sigmoid, p.tanh}) {
            float[] each = new float[base.length]; // element by element: the scalar code
            for (int i = 0; i < base.length; i++) {
                each[i] = one(k, base[i]);
            }
            for (int off = 0; off <= 19; off++) {
                for (int len = 0; off + len <= base.length; len += (len < 70 ? 1 : 13)) {
                    float[] a = base.clone();
                    k.apply(a, off, len);
                    for (int i = 0; i < base.length; i++) {
                        float want = i >= off && i < off + len ? each[i] : base[i];
                        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(a[i]),
                                name + " off=" + off + " len=" + len + " i=" + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void expSumShiftsAndSums(String name) {
        assumeTrue(!name.equals("vector") || VECTOR_MODULE);
        Random rnd = new Random(11);
        for (int len : new int[] {0, 1, 5, 15, 16, 17, 31, 33, 100, 1004, 4099, 100_000, 1_000_000}) {
            int off = len % 7;
            float[] a = new float[off + len + 3];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 5);
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int i = off; i < off + len; i++) {
                max = Math.max(max, a[i]);
            }
            float[] before = a.clone();
            double sum = expSum(name, a, off, len, max);
            double exact = 0;
            for (int i = 0; i < a.length; i++) {
                if (i < off || i >= off + len) {
                    assertEquals(before[i], a[i], "untouched");
                    continue;
                }
                double want = Math.exp(before[i] - max); // a float difference, as the kernel computes it
                assertEquals(want, a[i], Math.max(MAX_REL * want, 2 * Float.MIN_VALUE), "element " + i);
                assertTrue(a[i] <= 1f);
                exact += a[i];
            }
            if (len > 0) {
                assertTrue(sum >= 1.0 - 1e-6, "row max contributes exp(0) = 1");
            }
            assertEquals(exact, sum, 1e-6 * exact, name + " len=" + len); // error of the summation only
        }
    }

    static double expSum(String name, float[] a, int off, int len, float shift) {
        return switch (name) {
            case "vector" -> VectorKernels.expSum(a, off, len, shift);
            case "poly" -> PolyKernels.expSum(a, off, len, shift);
            default -> MathKernels.expSum(a, off, len, shift);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "poly", "math"})
    void expSumSpecialRows(String name) {
        assumeTrue(!name.equals("vector") || VECTOR_MODULE);
        for (int len : new int[] {3, 40}) {
            float[] a = new float[len];
            java.util.Arrays.fill(a, Float.NEGATIVE_INFINITY);
            a[len - 1] = 0f;
            assertEquals(1.0, expSum(name, a, 0, len, 0f), name + " masked row");
            for (int i = 0; i < len - 1; i++) {
                assertEquals(0f, a[i]);
            }
            float[] big = new float[len];
            big[len / 2] = 200f;
            assertEquals(Double.POSITIVE_INFINITY, expSum(name, big, 0, len, 0f), name + " overflowing term");
            float[] nan = new float[len];
            nan[len / 2] = Float.NaN;
            assertTrue(Double.isNaN(expSum(name, nan, 0, len, 0f)), name + " NaN term");
            assertTrue(Float.isNaN(nan[len / 2]));
            assertEquals(1f, nan[0]);
            float[] z = new float[len];
            assertTrue(Double.isNaN(expSum(name, z, 0, len, Float.NaN)), name + " NaN shift");
        }
    }

    @Test
    void expSumLongRowsStayAccurate() {
        // Values of very different magnitude in a long range: the compensated vector sum must stay
        // within a couple of float ulps of the exact sum of the stored results.
        assumeTrue(VECTOR_MODULE);
        Random rnd = new Random(3);
        float[] a = new float[3_000_017];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 1000 == 0 ? 0f : -30f * rnd.nextFloat();
        }
        double sum = VectorKernels.expSum(a, 0, a.length, 0f);
        double exact = 0;
        for (float v : a) {
            exact += v;
        }
        assertEquals(exact, sum, 2.5e-7 * exact);
    }

    // ---- public API ------------------------------------------------------------------------

    @Test
    void publicApiUsesTheExpectedPathAndMatchesIt() {
        String impl = FloatMath.implementation();
        assertFalse(impl.isBlank());
        if (VECTOR_MODULE && System.getProperty(FloatMath.PROPERTY) == null) {
            assertTrue(FloatMath.isVectorized(), impl);
            assertTrue(impl.startsWith("vector"), impl);
        }
        float[] in = denseInputs();
        float[] s = in.clone();
        FloatMath.sigmoid(s, 0, s.length);
        float[] t = in.clone();
        FloatMath.tanh(t, 0, t.length);
        float[] e = in.clone();
        FloatMath.expSum(e, 0, e.length, 0f);
        for (int i = 0; i < in.length; i += 7) {
            assertEquals(Float.floatToIntBits(s[i]), Float.floatToIntBits(FloatMath.sigmoid(in[i])));
            assertEquals(Float.floatToIntBits(t[i]), Float.floatToIntBits(FloatMath.tanh(in[i])));
            assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(FloatMath.exp(in[i])));
        }
    }

    @Test
    void publicApiChecksBounds() {
        float[] a = new float[10];
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.sigmoid(a, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.tanh(a, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.expSum(a, 0, -1, 0f));
        assertThrows(NullPointerException.class, () -> FloatMath.tanh(null, 0, 0));
        FloatMath.sigmoid(a, 10, 0);
        assertEquals(0.0, FloatMath.expSum(a, 3, 0, 0f));
    }

    // ---- module detection, in child JVMs -------------------------------------------------------

    static List<String> runProbe(String... jvmArgs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = location(FloatMath.class) + File.pathSeparator + location(PathProbe.class);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", cp, PathProbe.class.getName()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = proc.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), out);
        List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList());
        return lines;
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutTheModuleTheScalarPathRunsAndGivesTheSameBits() throws Exception {
        List<String> lines = runProbe("-Xshare:auto");
        assertEquals("module=false", lines.get(1), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("scalar-poly"), lines.get(0));
        // same bits as this JVM's public API (vector path when the module is here)
        assertEquals(PathProbe.fingerprint(), String.join("\n", lines.subList(2, lines.size())));
    }

    @Test
    void forcedPathsAreHonoured() throws Exception {
        List<String> math = runProbe("--add-modules=jdk.incubator.vector", "-D" + FloatMath.PROPERTY + "=math");
        assertTrue(math.get(0).startsWith("scalar-math"), math.get(0));
        List<String> poly = runProbe("--add-modules=jdk.incubator.vector", "-D" + FloatMath.PROPERTY + "=poly");
        assertTrue(poly.get(0).startsWith("scalar-poly"), poly.get(0));
        assertEquals(PathProbe.fingerprint(), String.join("\n", poly.subList(2, poly.size())));
        List<String> vec = runProbe("--add-modules=jdk.incubator.vector");
        assertEquals("module=true", vec.get(1));
        assertTrue(vec.get(0).startsWith("vector"), vec.get(0));
        assertEquals(PathProbe.fingerprint(), String.join("\n", vec.subList(2, vec.size())));
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void everyVectorWidthGivesTheSameBits(int bits) throws Exception {
        // e.g. 256 is what an AVX2-only machine would use
        List<String> vec = runProbe("--add-modules=jdk.incubator.vector", "-Dcaptioner.fastmath.bits=" + bits);
        assertTrue(vec.get(0).startsWith("vector (jdk.incubator.vector, " + bits / 32 + " x float"), vec.get(0));
        assertEquals(PathProbe.fingerprint(), String.join("\n", vec.subList(2, vec.size())));
    }

    @Test
    void flushSubnormalsZeroesOnlySubnormalsInsideTheRange() {
        float[] pattern = {Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 2,
                -Float.MIN_NORMAL / 3, 0f, -0f, 1f, -2.5e-30f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] a = new float[41];
        for (int i = 0; i < a.length; i++) {
            a[i] = pattern[i % pattern.length];
        }
        float[] flushed = a.clone();
        FloatMath.flushSubnormals(flushed, 2, 37);
        for (int i = 0; i < a.length; i++) {
            boolean subnormal = a[i] != 0 && Math.abs(a[i]) < Float.MIN_NORMAL;
            float expected = subnormal && i >= 2 && i < 39 ? Math.copySign(0f, a[i]) : a[i];
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(flushed[i]), "element " + i + " = " + a[i]);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMath.flushSubnormals(a, 40, 2));
    }
}
