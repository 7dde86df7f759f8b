package captioner.tensor;

/**
 * What BLAS this JVM computes with, and how fast: netlib's implementation, the native library it loaded, the
 * kernels OpenBLAS says it runs, the OpenBLAS core type and thread count it was started with, and a short SGEMM
 * probe. OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when the library loads, so the variable this JVM started
 * with is the choice made (unset: OpenBLAS's own detection, which Debian's 0.3.21 gets wrong on some recent CPUs;
 * the probe then shows it).
 *
 * @param implementation netlib's class, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS} (Java)
 * @param library        the native BLAS file mapped into this process, or "none" for a Java BLAS
 * @param coreName       OpenBLAS's {@code openblas_get_corename()}, e.g. "Zen", or "unknown (why)"
 * @param coreType       {@code OPENBLAS_CORETYPE}, or "auto" when unset
 * @param threads        {@code OPENBLAS_NUM_THREADS}, or "auto" when unset
 * @param sgemmGflops    float32 C = A·B of 512×512 matrices, the best over 0.1 s, in GFLOP/s
 */
public record BlasProbe(String implementation, String library, String coreName, String coreType, String threads,
                        double sgemmGflops) {
    private static final int SIZE = 512;

    /** Measures this JVM's BLAS (about 0.1 s). */
    public static BlasProbe measure() {
        String library = Blas.nativeLibrary();
        return new BlasProbe(Blas.implementation(), library == null ? "none" : library, OpenBlasCore.name(),
                env("OPENBLAS_CORETYPE"), env("OPENBLAS_NUM_THREADS"), Blas.sgemmGflops(SIZE, 0.1));
    }

    /**
     * Whether OpenBLAS runs one of its generic pre-AVX kernels (what its 0.3.21 falls back to for a CPU it does not
     * know): then {@code OPENBLAS_CORETYPE} must name the CPU's kernels before the library loads.
     */
    public boolean genericKernels() {
        return OpenBlasCore.generic(coreName);
    }

    /** Whether this BLAS is native code (a Java BLAS is an order of magnitude slower at matrix products). */
    public boolean runsNative() {
        return implementation.startsWith("JNI");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? "auto" : v;
    }
}
