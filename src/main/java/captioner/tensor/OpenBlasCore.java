package captioner.tensor;

import java.util.Set;

/**
 * OpenBLAS's own name of the kernels it runs, {@code openblas_get_corename()} ("Zen", "Haswell", "SkylakeX",
 * "Prescott"...), asked of the library netlib loaded. netlib has no binding for it, so it is called through Java
 * 17's incubating foreign linker ({@link ForeignCoreName}), which needs {@code --add-modules=jdk.incubator.foreign}
 * and {@code --enable-native-access=ALL-UNNAMED} (conf/java-options, conf/spark-defaults.conf). Without them, or
 * with another BLAS, the name is "unknown (why)": a probe never fails a run.
 */
final class OpenBlasCore {
    static final String MODULE = "jdk.incubator.foreign";
    static final String FLAGS = "--add-modules=" + MODULE + " --enable-native-access=ALL-UNNAMED";
    static final String UNKNOWN = "unknown";

    /**
     * OpenBLAS 0.3.21's x86-64 kernels of CPUs without AVX: what its DYNAMIC_ARCH build falls back to when it does
     * not recognise a CPU (a Sapphire Rapids Xeon was taken for a "Prescott"), ~20× slower than the right ones.
     */
    private static final Set<String> GENERIC = Set.of("Katmai", "Coppermine", "Northwood", "Prescott", "Banias",
            "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Opteron", "Opteron(SSE3)", "Barcelona", "Bobcat",
            "Nano", "Unknown");

    private OpenBlasCore() {
    }

    /** This JVM's answer, asked once (the library chose its kernels when it loaded; they never change). */
    static String name() {
        return Once.NAME;
    }

    private static final class Once {
        static final String NAME = ask(Blas.nativeLibrary());
    }

    /** Whether {@code coreName} (an answer of {@link #name()}) is one of the generic pre-AVX kernels. */
    static boolean generic(String coreName) {
        return GENERIC.contains(coreName);
    }

    /** Calls {@code openblas_get_corename} in {@code library} (the native BLAS mapped, or null for none). */
    static String ask(String library) {
        if (library == null) {
            return UNKNOWN + " (no native BLAS)";
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return UNKNOWN + " (the JVM needs " + FLAGS + ")";
        }
        try {
            String name = ForeignCoreName.call(library);
            return name == null ? UNKNOWN + " (" + library + " has no openblas_get_corename: not OpenBLAS)" : name;
        } catch (IllegalCallerException e) {
            return UNKNOWN + " (the JVM needs --enable-native-access=ALL-UNNAMED)";
        } catch (Throwable e) {
            // e.g. UnsatisfiedLinkError: the library is held by another class loader of this JVM
            return UNKNOWN + " (" + e + ")";
        }
    }
}
