package captioner.tensor;

import dev.ludovic.netlib.blas.BLAS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BLAS behind every matrix product: netlib's {@link BLAS#getInstance()}, which is the system
 * {@code libblas.so.3} through JNI when one is installed (OpenBLAS on Debian: libopenblas0-pthread)
 * and a pure-Java implementation otherwise.
 */
public final class Blas {
    static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    private static final Pattern OPENBLAS_FILE = Pattern.compile("libopenblas([a-z]*)-r([0-9.]+)\\.so");

    private Blas() {
    }

    /** The implementation class that runs, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS} (Java). */
    public static String implementation() {
        return BLAS_INSTANCE.getClass().getSimpleName();
    }

    /**
     * The BLAS in one line: the netlib implementation, the native library this process has mapped (read from
     * {@code /proc/self/maps}, as netlib does not say which {@code libblas.so.3} it opened) and, for OpenBLAS,
     * its kernels.
     */
    public static String describe() {
        String library = nativeLibrary();
        StringBuilder s = new StringBuilder(implementation());
        if (library != null) {
            s.append(" -> ").append(library);
            Matcher m = OPENBLAS_FILE.matcher(library);
            if (m.find()) {
                String core = OpenBlasCore.name();
                s.append(" (OpenBLAS ").append(m.group(2)).append(m.group(1).equals("p") ? ", pthreads" : "")
                        .append("), kernels ").append(core.startsWith(OpenBlasCore.UNKNOWN)
                                ? openBlasCore(System.getenv(), cpuInfo()) : core + " (openblas_get_corename)");
            }
        }
        return s.toString();
    }

    /**
     * The kernels OpenBLAS runs, guessed where {@link OpenBlasCore} cannot ask it (a JVM without the foreign
     * linker): {@code OPENBLAS_CORETYPE} when set (the launcher sets it for CPUs that OpenBLAS 0.3.21 misdetects),
     * else its own detection; for AMD Zen CPUs it is known to pick "Zen" (its AVX2 Haswell kernels), and
     * {@code OPENBLAS_VERBOSE=2} makes OpenBLAS print its choice at start.
     */
    static String openBlasCore(Map<String, String> env, Map<String, String> cpu) {
        String set = env.get("OPENBLAS_CORETYPE");
        if (set != null && !set.isBlank()) {
            return set + " (OPENBLAS_CORETYPE)";
        }
        String family = cpu.getOrDefault("cpu family", "?");
        if ("AuthenticAMD".equals(cpu.get("vendor_id")) && (family.equals("23") || family.equals("25"))
                && (" " + cpu.getOrDefault("flags", "") + " ").contains(" avx2 ")) {
            return "Zen, AVX2 (OpenBLAS's own choice for AMD family " + family + ")";
        }
        return "of OpenBLAS's own choice for " + cpu.getOrDefault("vendor_id", "this CPU") + " family " + family
                + " model " + cpu.getOrDefault("model", "?") + " (OPENBLAS_VERBOSE=2 prints it)";
    }

    /** The first processor's fields of /proc/cpuinfo; empty where there is none. */
    static Map<String, String> cpuInfo() {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : readLines(Path.of("/proc/cpuinfo"))) {
            if (line.isBlank()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** The mapped native BLAS library's path (OpenBLAS, MKL, BLIS or a reference libblas), or null. */
    static String nativeLibrary() {
        String fallback = null;
        for (String line : readLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            String file = path.substring(path.lastIndexOf('/') + 1);
            if (file.startsWith("libopenblas") || file.startsWith("libmkl_rt") || file.startsWith("libblis")) {
                return path;
            }
            if (file.startsWith("libblas.so") && fallback == null) {
                fallback = path;
            }
        }
        return fallback;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();   // not Linux, or not readable: the description just says less
        }
    }

    /**
     * This machine's float32 matrix-product rate: the best GFLOP/s of {@code c = a·b} on random (size, size)
     * matrices over about {@code seconds}, with the BLAS's own threading as configured.
     */
    public static double sgemmGflops(int size, double seconds) {
        Kernels k = Kernels.of(DType.FLOAT32);
        Tensor a = Tensor.zeros(DType.FLOAT32, size, size);
        Tensor b = Tensor.zeros(DType.FLOAT32, size, size);
        Tensor c = Tensor.zeros(DType.FLOAT32, size, size);
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, rng.nextGaussian());
            b.set(i, rng.nextGaussian());
        }
        k.gemm(false, false, 1, a, b, 0, c);   // first call: thread start-up and page faults
        double flops = 2.0 * size * size * size;
        double best = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long start = System.nanoTime();
            k.gemm(false, false, 1, a, b, 0, c);
            best = Math.max(best, flops / (System.nanoTime() - start));
        } while (System.nanoTime() < deadline);
        return best;
    }
}
