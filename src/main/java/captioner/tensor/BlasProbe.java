package captioner.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What BLAS this JVM computes with, and how fast: netlib's implementation, the native library it loaded, the
 * OpenBLAS core type and thread count it was started with, and a short SGEMM probe. OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} once, when the library loads, so the variable this JVM started with is the choice made
 * (unset: OpenBLAS's own detection, which Debian's 0.3.21 gets wrong on some recent CPUs; the probe then shows it).
 *
 * @param implementation netlib's class, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS} (Java)
 * @param library        the native BLAS file mapped into this process, or "none" for a Java BLAS
 * @param coreType       {@code OPENBLAS_CORETYPE}, or "auto" when unset
 * @param threads        {@code OPENBLAS_NUM_THREADS}, or "auto" when unset
 * @param sgemmGflops    float32 C = A·B of 512×512 matrices, best of 5, in GFLOP/s
 */
public record BlasProbe(String implementation, String library, String coreType, String threads, double sgemmGflops) {
    private static final int SIZE = 512;

    /** Measures this JVM's BLAS (about 0.1 s at 15 GFLOP/s, a few ms at full speed). */
    public static BlasProbe measure() {
        float[] a = new float[SIZE * SIZE];
        float[] b = new float[SIZE * SIZE];
        float[] c = new float[SIZE * SIZE];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.1f;
            b[i] = (i % 5) * 0.2f;
        }
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 6; rep++) {
            long t = System.nanoTime();
            Blas.BLAS_INSTANCE.sgemm("N", "N", SIZE, SIZE, SIZE, 1f, a, SIZE, b, SIZE, 0f, c, SIZE);
            if (rep > 0) { // the first call loads and warms the library
                best = Math.min(best, System.nanoTime() - t);
            }
        }
        double gflops = 2.0 * SIZE * SIZE * SIZE / best;
        return new BlasProbe(Blas.implementation(), mappedLibrary(), env("OPENBLAS_CORETYPE"), env("OPENBLAS_NUM_THREADS"),
                gflops);
    }

    /** Whether this BLAS is native code (a Java BLAS is an order of magnitude slower at matrix products). */
    public boolean runsNative() {
        return implementation.startsWith("JNI");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? "auto" : v;
    }

    /** The BLAS shared library this process mapped (Linux's /proc/self/maps), e.g. OpenBLAS's libblas.so.3. */
    private static String mappedLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(f -> f.contains("blas") && f.contains(".so"))
                    .filter(f -> !f.contains("netlib")) // netlib's own JNI glue
                    .map(f -> {
                        try {
                            return Path.of(f).toRealPath().toString();
                        } catch (IOException e) {
                            return f;
                        }
                    })
                    .findFirst().orElse("none");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
