package captioner.tensor;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Objects;

/**
 * Fast float32 element-wise transcendental kernels (sigmoid, tanh, exp) over {@code float[]}
 * ranges, in place, for the LSTM gates and the softmax; and the sum of squares behind the
 * gradient norm ({@link #sumSquares}), which uses the Vector API exactly when they do.
 *
 * <h2>Paths</h2>
 * One of three implementations is chosen once, when this class initialises:
 * <ul>
 *   <li><b>vector</b>: the incubating Vector API ({@code FloatVector}, preferred species, e.g. 16
 *       lanes with AVX-512) evaluating range-reduced polynomials with fma. Chosen when the module
 *       {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 *       {@code --add-modules=jdk.incubator.vector}) and the JVM has FMA instructions.</li>
 *   <li><b>scalar-poly</b>: the same polynomials one float at a time ({@link Math#fma}), giving
 *       bit-identical results to the vector path. Chosen when the module is absent. The Vector API
 *       classes are then never loaded: they are referenced only from {@code VectorKernels}, which
 *       is touched only on the vector path.</li>
 *   <li><b>scalar-math</b>: {@link Math#exp} in double, rounded to float. Chosen only when the JVM
 *       reports that it has no FMA instructions (emulated fma would be very slow).</li>
 * </ul>
 * The choice can be forced with the system property {@code captioner.fastmath} =
 * {@code auto} (default) | {@code vector} | {@code poly} | {@code math}; {@code vector} falls back
 * to {@code poly} when the module is absent. {@link #implementation()} says what is active.
 *
 * <h2>Accuracy</h2>
 * Measured versus {@code Math} in double over all 2^32 float inputs (test-scope
 * {@code FloatMathAccuracy}), vector and scalar-poly paths: exp ≤ 0.91 ulp (relative 7.7e-8),
 * sigmoid ≤ 2.4 ulp (1.8e-7), tanh ≤ 1.51 ulp (1.6e-7), subnormal results included; scalar-math
 * ≤ 0.5 ulp. Special values: exp(+Inf) = +Inf, exp(-Inf) = 0, overflow gives
 * +Inf, sigmoid(±Inf) = 1/0, tanh(±Inf) = ±1, tanh saturates to exactly ±1 for |x| above about
 * 9.02, tanh(-0) = -0, tanh is exactly odd, NaN stays NaN. Results do not depend on the path
 * (except scalar-math), the vector width, the offset or where an element falls in the range.
 *
 * <h2>Threading</h2>
 * Stateless; each call reads and writes only {@code a[off .. off+len-1]}, so disjoint ranges of one
 * array may be processed concurrently.
 *
 * <h2>Performance notes (vector path, JDK 17)</h2>
 * <ul>
 *   <li>Warm-up: until C2 has compiled a kernel (roughly the first second of calls) Vector API code
 *       runs in the interpreter / C1 at ~100 ns per element; after that ~0.3-0.5 ns.</li>
 *   <li>Use one float species in the whole JVM ({@code FloatVector.SPECIES_PREFERRED}, as here).
 *       The JIT inlines the API's shared methods by their receiver-type profiles; if other code
 *       runs, say, 256-bit and 512-bit FloatVectors through them, the profiles become bimorphic,
 *       some intrinsics fail and vectors get boxed: kernels then run ~10x slower.</li>
 *   <li>Ranges shorter than the vector length (16 floats with AVX-512) and the last
 *       {@code len % 16} elements of a range go through the scalar code (~2.5 ns each).</li>
 * </ul>
 */
public final class FloatMath {

    private FloatMath() {}

    /** System property forcing the implementation: auto, vector, poly or math. */
    public static final String PROPERTY = "captioner.fastmath";

    private static final int MATH = 0;
    private static final int POLY = 1;
    private static final int VECTOR = 2;

    private static final int MODE;
    private static final String IMPLEMENTATION;

    static {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        boolean module = vectorModulePresent();
        String fmaFlag = vmOption("UseFMA"); // null when it cannot be read (not HotSpot, ...)
        boolean fma = !"false".equals(fmaFlag);
        int mode;
        String why;
        switch (requested) {
            case "math":
                mode = MATH;
                why = "forced by -D" + PROPERTY + "=math";
                break;
            case "poly":
                mode = POLY;
                why = "forced by -D" + PROPERTY + "=poly";
                break;
            case "vector":
                mode = module ? VECTOR : POLY;
                why = module ? "forced by -D" + PROPERTY + "=vector"
                        : "-D" + PROPERTY + "=vector requested but jdk.incubator.vector is not in the boot layer";
                break;
            default:
                if (!fma) {
                    mode = MATH;
                    why = "the JVM reports UseFMA=false";
                } else if (module) {
                    mode = VECTOR;
                    why = "jdk.incubator.vector present";
                } else {
                    mode = POLY;
                    why = "jdk.incubator.vector not in the boot layer (add --add-modules=jdk.incubator.vector)";
                }
        }
        String vectorInfo = null;
        if (mode == VECTOR) {
            try {
                if (VectorKernels.lanes() >= 4) {
                    vectorInfo = VectorKernels.describe();
                } else {
                    mode = POLY;
                    why = "preferred float vector has only " + VectorKernels.lanes() + " lane(s)";
                }
            } catch (LinkageError | RuntimeException e) {
                mode = POLY;
                why = "Vector API unusable: " + e;
            }
        }
        MODE = mode;
        switch (mode) {
            case VECTOR:
                IMPLEMENTATION = "vector (jdk.incubator.vector, " + vectorInfo
                        + ", polynomial exp/sigmoid/tanh with fma; " + why + ")";
                break;
            case POLY:
                IMPLEMENTATION = "scalar-poly (float polynomial exp/sigmoid/tanh with Math.fma; " + why + ")";
                break;
            default:
                IMPLEMENTATION = "scalar-math (Math.exp in double; " + why + ")";
        }
    }

    private static boolean vectorModulePresent() {
        try {
            return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The value of a HotSpot VM option, or null if it cannot be read. */
    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue();
        } catch (Throwable e) { // no jdk.management module, not HotSpot, unknown option, ...
            return null;
        }
    }

    /** Which implementation is active and why, for logging. */
    public static String implementation() {
        return IMPLEMENTATION;
    }

    /** True when the Vector API path is active. */
    public static boolean isVectorized() {
        return MODE == VECTOR;
    }

    // ---- ranges, in place ----------------------------------------------------------------------

    /**
     * {@code a[i] = 1 / (1 + exp(-a[i]))} for {@code i} in {@code [off, off + len)}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code a}
     */
    public static void sigmoid(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (MODE == VECTOR) {
            VectorKernels.sigmoid(a, off, len);
        } else if (MODE == POLY) {
            PolyKernels.sigmoid(a, off, len);
        } else {
            MathKernels.sigmoid(a, off, len);
        }
    }

    /**
     * {@code a[i] = tanh(a[i])} for {@code i} in {@code [off, off + len)}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code a}
     */
    public static void tanh(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (MODE == VECTOR) {
            VectorKernels.tanh(a, off, len);
        } else if (MODE == POLY) {
            PolyKernels.tanh(a, off, len);
        } else {
            MathKernels.tanh(a, off, len);
        }
    }

    /**
     * {@code a[i] = exp(a[i] - shift)} for {@code i} in {@code [off, off + len)}, the difference
     * being rounded to float first; returns the sum of the new values. For a softmax pass the row
     * maximum as {@code shift}. The sum is accurate to a few float ulps whatever the length (vector
     * path: per-lane Kahan-compensated float sums combined in double; scalar paths: double
     * accumulation). It is +Inf if a term overflowed and NaN if a term is NaN.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code a}
     */
    public static double expSum(float[] a, int off, int len, float shift) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (MODE == VECTOR) {
            return VectorKernels.expSum(a, off, len, shift);
        } else if (MODE == POLY) {
            return PolyKernels.expSum(a, off, len, shift);
        } else {
            return MathKernels.expSum(a, off, len, shift);
        }
    }

    /**
     * The sum of {@code a[i]^2} for {@code i} in {@code [off, off + len)}, accumulated in double.
     * Each float square is exact in double, so only the additions round: within about
     * {@code len / 4 * 2^-53} relative of the exact sum (vector path: {@code len / lanes}). The
     * vector path keeps one double accumulator per lane, the others four scalar ones (C2 does not
     * vectorize a float-to-double reduction); the paths, and vector widths, may differ in the last
     * bits, but each gives the same bits for the same input every time. +Inf if an element is
     * infinite, NaN if one is NaN; finite inputs never overflow.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code a}
     */
    public static double sumSquares(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        return MODE == VECTOR ? VectorKernels.sumSquares(a, off, len) : sumSquaresScalar(a, off, len);
    }

    /** The scalar path of {@link #sumSquares}. */
    static double sumSquaresScalar(float[] a, int off, int len) {
        // Four independent accumulators keep the adder pipeline busy.
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = off;
        int end = off + len;
        for (; i + 3 < end; i += 4) {
            double x0 = a[i];
            double x1 = a[i + 1];
            double x2 = a[i + 2];
            double x3 = a[i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < end; i++) {
            double x0 = a[i];
            s0 += x0 * x0;
        }
        return (s0 + s1) + (s2 + s3);
    }

    // ---- single values -------------------------------------------------------------------------

    /** exp(x), bit-identical to the range kernels of the active path. */
    public static float exp(float x) {
        return MODE == MATH ? MathKernels.exp(x) : PolyKernels.exp(x);
    }

    /** 1 / (1 + exp(-x)), bit-identical to {@link #sigmoid(float[], int, int)}. */
    public static float sigmoid(float x) {
        return MODE == MATH ? MathKernels.sigmoid(x) : PolyKernels.sigmoid(x);
    }

    /** tanh(x), bit-identical to {@link #tanh(float[], int, int)}. */
    public static float tanh(float x) {
        return MODE == MATH ? MathKernels.tanh(x) : PolyKernels.tanh(x);
    }

    /**
     * {@code a[i] = ±0} (a zero of its sign, as the CPU's flush-to-zero gives) for {@code i} in
     * {@code [off, off + len)} where {@code a[i]} is subnormal (nonzero, of magnitude below
     * {@link Float#MIN_NORMAL} = 1.18e-38). Java cannot switch on the
     * CPU's flush-to-zero, and subnormal operands slow some CPUs' arithmetic (Intel's by up to 100x per
     * operation), so kernels whose results turn subnormal in trained models (saturated gates, their products)
     * flush them where they are born; results change by less than 1.2e-38 absolute per element.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code a}
     */
    public static void flushSubnormals(float[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (MODE == VECTOR) {
            VectorKernels.flushSubnormals(a, off, len);
        } else {
            for (int i = off; i < off + len; i++) {
                a[i] = flushed(a[i]);
            }
        }
    }

    /** x, or a zero of its sign when x is subnormal. */
    static float flushed(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? x * 0f : x;
    }
}
