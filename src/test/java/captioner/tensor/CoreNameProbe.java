package captioner.tensor;

/** Run in a child JVM by {@link OpenBlasCoreTest}: prints what this JVM's BLAS probe says of OpenBLAS's kernels. */
public final class CoreNameProbe {
    private CoreNameProbe() {
    }

    public static void main(String[] args) {
        BlasProbe b = BlasProbe.measure();
        System.out.println("coreName=" + b.coreName());
        System.out.println("generic=" + b.genericKernels());
    }
}
