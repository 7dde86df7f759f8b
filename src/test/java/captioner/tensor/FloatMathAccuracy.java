package captioner.tensor;

import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Accuracy survey, run by hand (not a unit test): compares every path's kernels against
 * {@code Math} in double over all 2^32 float bit patterns (or every STRIDE-th one) and reports the
 * maximal error in float ulps and as a relative error, plus whether the vector and scalar-poly paths
 * agree bit for bit.
 *
 * <pre>
 * mvn -B -o -q test-compile
 * java @conf/java-options -cp target/classes:target/test-classes captioner.tensor.FloatMathAccuracy [STRIDE]
 * </pre>
 */
public final class FloatMathAccuracy {

    private FloatMathAccuracy() {}

    interface Kernel {
        void apply(float[] a, int off, int len);
    }

    interface Ref {
        double at(float x);
    }

    /** Error statistics; merge() combines two. */
    static final class Stats {
        double maxUlp;
        float argUlp;
        double maxRel;
        float argRel;
        long checked;
        long mismatches;
        float firstMismatch = Float.NaN;
        long specialFailures;
        float firstSpecialFailure = Float.NaN;

        void add(float x, float got, double ref) {
            checked++;
            if (Double.isNaN(ref)) {
                if (!Float.isNaN(got)) {
                    special(x);
                }
                return;
            }
            if (Double.isInfinite(ref) || Math.abs(ref) > Float.MAX_VALUE) {
                float want = (float) ref;
                // near the overflow threshold the correctly rounded float may be MAX_VALUE or Inf
                if (!(got == want || (Math.abs(got) >= Float.MAX_VALUE * 0.9999f && Math.signum(got) == Math.signum(ref)))) {
                    special(x);
                }
                return;
            }
            if (Float.isNaN(got) || Float.isInfinite(got)) {
                special(x);
                return;
            }
            double err = Math.abs(got - ref);
            double ulp = Math.ulp((float) ref);
            double u = err / ulp;
            if (u > maxUlp) {
                maxUlp = u;
                argUlp = x;
            }
            if (Math.abs(ref) >= Float.MIN_NORMAL) {
                double rel = err / Math.abs(ref);
                if (rel > maxRel) {
                    maxRel = rel;
                    argRel = x;
                }
            }
        }

        void special(float x) {
            if (specialFailures++ == 0) {
                firstSpecialFailure = x;
            }
        }

        Stats merge(Stats o) {
            Stats r = new Stats();
            r.maxUlp = Math.max(maxUlp, o.maxUlp);
            r.argUlp = maxUlp >= o.maxUlp ? argUlp : o.argUlp;
            r.maxRel = Math.max(maxRel, o.maxRel);
            r.argRel = maxRel >= o.maxRel ? argRel : o.argRel;
            r.checked = checked + o.checked;
            r.mismatches = mismatches + o.mismatches;
            r.firstMismatch = mismatches > 0 ? firstMismatch : o.firstMismatch;
            r.specialFailures = specialFailures + o.specialFailures;
            r.firstSpecialFailure = specialFailures > 0 ? firstSpecialFailure : o.firstSpecialFailure;
            return r;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "max %.3f ulp (x=%s), max rel %.3e (x=%s), special-value failures %d%s, checked %d",
                    maxUlp, argUlp, maxRel, argRel, specialFailures,
                    specialFailures > 0 ? " (first x=" + firstSpecialFailure + ")" : "", checked);
        }
    }

    /**
     * Sweeps bit patterns {@code k * stride} for all k; applies {@code kernel} to blocks and compares
     * with {@code ref}; when {@code twin} is not null also counts bit mismatches with it.
     */
    static Stats sweep(Kernel kernel, Kernel twin, Ref ref, long stride) {
        final int block = 1 << 12;
        long count = (1L << 32) / stride;
        int chunks = (int) ((count + (1 << 20) - 1) >> 20);
        return IntStream.range(0, chunks).parallel().mapToObj(c -> {
            Stats st = new Stats();
            float[] in = new float[block];
            float[] out = new float[block];
            float[] out2 = new float[block];
            long k0 = (long) c << 20;
            long k1 = Math.min(count, k0 + (1 << 20));
            for (long k = k0; k < k1; k += block) {
                int n = (int) Math.min(block, k1 - k);
                for (int i = 0; i < n; i++) {
                    in[i] = Float.intBitsToFloat((int) ((k + i) * stride));
                }
                System.arraycopy(in, 0, out, 0, n);
                kernel.apply(out, 0, n);
                if (twin != null) {
                    System.arraycopy(in, 0, out2, 0, n);
                    twin.apply(out2, 0, n);
                }
                for (int i = 0; i < n; i++) {
                    st.add(in[i], out[i], ref.at(in[i]));
                    if (twin != null && Float.floatToIntBits(out[i]) != Float.floatToIntBits(out2[i])) {
                        if (st.mismatches++ == 0) {
                            st.firstMismatch = in[i];
                        }
                    }
                }
            }
            return st;
        }).reduce(Stats::merge).orElseThrow();
    }

    static double refSigmoid(float x) {
        return 1.0 / (1.0 + Math.exp(-(double) x));
    }

    public static void main(String[] args) {
        long stride = args.length > 0 ? Long.parseLong(args[0]) : 1;
        boolean vec = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("FloatMath.implementation(): " + FloatMath.implementation());
        System.out.println("bit-pattern stride " + stride + (vec ? "" : " (vector module absent: vector path skipped)"));
        Kernel vexp = (a, o, l) -> VectorKernels.expSum(a, o, l, 0f);
        Kernel pexp = (a, o, l) -> PolyKernels.expSum(a, o, l, 0f);
        Kernel mexp = (a, o, l) -> MathKernels.expSum(a, o, l, 0f);
        report("exp", vec ? vexp : null, pexp, mexp, x -> Math.exp(x), stride);
        report("sigmoid", vec ? VectorKernels::sigmoid : null, PolyKernels::sigmoid, MathKernels::sigmoid,
                FloatMathAccuracy::refSigmoid, stride);
        report("tanh", vec ? VectorKernels::tanh : null, PolyKernels::tanh, MathKernels::tanh, x -> Math.tanh(x), stride);
    }

    private static void report(String name, Kernel vector, Kernel poly, Kernel math, Ref ref, long stride) {
        long t0 = System.nanoTime();
        if (vector != null) {
            Stats v = sweep(vector, poly, ref, stride);
            System.out.printf(Locale.ROOT, "%-8s vector      %s; vector/poly bit mismatches %d%s%n", name, v, v.mismatches,
                    v.mismatches > 0 ? " (first x=" + v.firstMismatch + ")" : "");
        } else {
            System.out.printf(Locale.ROOT, "%-8s scalar-poly %s%n", name, sweep(poly, null, ref, stride));
        }
        System.out.printf(Locale.ROOT, "%-8s scalar-math %s%n", name, sweep(math, null, ref, stride));
        System.out.printf(Locale.ROOT, "%-8s (%.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
    }
}
