package captioner.tensor;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The BLAS behind every matrix product: netlib's {@link BLAS#getInstance()}, which is the system
 * {@code libblas.so.3} through JNI when one is installed (OpenBLAS on Debian: libopenblas0-pthread)
 * and a pure-Java implementation otherwise.
 */
public final class Blas {
    static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private Blas() {
    }

    /** The implementation class that runs, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS} (Java). */
    public static String implementation() {
        return BLAS_INSTANCE.getClass().getSimpleName();
    }
}
