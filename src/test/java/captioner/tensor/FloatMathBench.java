package captioner.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Hand-run timing of the kernels (no JMH): ns per element for each kernel and path, for a few range
 * lengths. Each timed call first restores the input with System.arraycopy (the kernels work in
 * place); the copy is timed on its own and subtracted ("net"), the "gross" figure includes it.
 *
 * <pre>
 * mvn -B -o -q test-compile
 * java @conf/java-options -cp target/classes:target/test-classes captioner.tensor.FloatMathBench [len ...]
 * </pre>
 * Without {@code --add-modules=jdk.incubator.vector} (i.e. without @conf/java-options) only the
 * scalar paths run. Paths: vector = VectorKernels (what FloatMath uses with the module),
 * poly = PolyKernels (FloatMath without the module), math = MathKernels (FloatMath without FMA),
 * naive = a plain loop over Math.exp / Math.tanh, svml = the JDK's VectorOperators.EXP / TANH.
 */
public final class FloatMathBench {

    private FloatMathBench() {}

    interface Op {
        double run(float[] a, int off, int len);
    }

    record Variant(String kernel, String path, Op op) {}

    static volatile double sink;

    /**
     * Warm-up per variant. Vector API code runs ~100x slower than compiled until C2 has compiled
     * the kernel (about a second of calls here), so this is generous.
     */
    static final long WARMUP_NANOS = Long.getLong("bench.warmupMillis", 2000) * 1_000_000L;

    public static void main(String[] args) {
        int[] lens = args.length == 0 ? new int[] {1004, 2048, 1_000_000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        boolean vec = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("FloatMath.implementation(): " + FloatMath.implementation());
        System.out.println(System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cpus");

        List<Variant> vs = new ArrayList<>();
        for (String kernel : new String[] {"sigmoid", "tanh", "expSum"}) {
            if (vec) {
                vs.add(new Variant(kernel, "vector", vectorOp(kernel)));
            }
            switch (kernel) {
                case "sigmoid" -> {
                    vs.add(new Variant(kernel, "poly", (a, o, l) -> { PolyKernels.sigmoid(a, o, l); return 0; }));
                    vs.add(new Variant(kernel, "math", (a, o, l) -> { MathKernels.sigmoid(a, o, l); return 0; }));
                    vs.add(new Variant(kernel, "naive", FloatMathBench::naiveSigmoid));
                }
                case "tanh" -> {
                    vs.add(new Variant(kernel, "poly", (a, o, l) -> { PolyKernels.tanh(a, o, l); return 0; }));
                    vs.add(new Variant(kernel, "math", (a, o, l) -> { MathKernels.tanh(a, o, l); return 0; }));
                    vs.add(new Variant(kernel, "naive", FloatMathBench::naiveTanh));
                }
                default -> {
                    vs.add(new Variant(kernel, "poly", (a, o, l) -> PolyKernels.expSum(a, o, l, 0f)));
                    vs.add(new Variant(kernel, "math", (a, o, l) -> MathKernels.expSum(a, o, l, 0f)));
                    vs.add(new Variant(kernel, "naive", FloatMathBench::naiveExpSum));
                }
            }
            if (vec) {
                vs.add(new Variant(kernel, "svml", svmlOp(kernel)));
            }
        }

        System.out.printf(Locale.ROOT, "%-8s %-7s %9s %10s %10s%n", "kernel", "path", "len", "net ns/el", "gross");
        for (int len : lens) {
            for (Variant v : vs) {
                double[] r = time(v, len);
                System.out.printf(Locale.ROOT, "%-8s %-7s %9d %10.3f %10.3f%n", v.kernel, v.path, len, r[0], r[1]);
            }
        }
    }

    // Kept in methods of their own so that the Vector API classes are loaded only when present.
    private static Op vectorOp(String kernel) {
        return switch (kernel) {
            case "sigmoid" -> (a, o, l) -> { VectorKernels.sigmoid(a, o, l); return 0; };
            case "tanh" -> (a, o, l) -> { VectorKernels.tanh(a, o, l); return 0; };
            default -> (a, o, l) -> VectorKernels.expSum(a, o, l, 0f);
        };
    }

    private static Op svmlOp(String kernel) {
        return switch (kernel) {
            case "sigmoid" -> (a, o, l) -> { SvmlReference.sigmoid(a, o, l); return 0; };
            case "tanh" -> (a, o, l) -> { SvmlReference.tanh(a, o, l); return 0; };
            default -> (a, o, l) -> SvmlReference.expSum(a, o, l, 0f);
        };
    }

    static double naiveSigmoid(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
        return 0;
    }

    static double naiveTanh(float[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
        return 0;
    }

    static double naiveExpSum(float[] a, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            float v = (float) Math.exp(a[i]);
            a[i] = v;
            s += v;
        }
        return s;
    }

    /** Returns {net, gross} ns per element: the best of several timed rounds after a warm-up. */
    static double[] time(Variant v, int len) {
        Random rnd = new Random(42);
        float[] src = new float[len];
        for (int i = 0; i < len; i++) {
            // gates/pre-activations ~ N(0, 3); softmax inputs are x - max: in [-20, 0]
            src[i] = v.kernel.equals("expSum") ? -20f * rnd.nextFloat() : (float) (3 * rnd.nextGaussian());
        }
        float[] a = new float[len];
        int reps = Math.max(1, (int) (2_000_000L / len));
        // warm-up: let C2 compile both the copy and the kernel loop
        long warmEnd = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warmEnd) {
            for (int r = 0; r < reps; r++) {
                System.arraycopy(src, 0, a, 0, len);
                sink += v.op.run(a, 0, len);
            }
        }
        double bestGross = Double.MAX_VALUE;
        double bestCopy = Double.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                System.arraycopy(src, 0, a, 0, len);
                sink += v.op.run(a, 0, len);
            }
            long t1 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                System.arraycopy(src, 0, a, 0, len);
                sink += a[r % len];
            }
            long t2 = System.nanoTime();
            bestGross = Math.min(bestGross, (t1 - t0) / (double) reps / len);
            bestCopy = Math.min(bestCopy, (t2 - t1) / (double) reps / len);
        }
        return new double[] {bestGross - bestCopy, bestGross};
    }
}
