package captioner.tensor;

import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.SymbolLookup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/**
 * The one call of {@link OpenBlasCore} into native code, through Java 17's incubating foreign linker. <b>Only load
 * this class when the module {@code jdk.incubator.foreign} is in the boot layer</b> (it is compiled with it; see
 * pom.xml). Java 17 can look symbols up only in libraries loaded by the caller's class loader, so the library netlib
 * already mapped is loaded again: the dynamic linker returns the same copy, whose kernels were chosen at its first
 * load.
 */
final class ForeignCoreName {
    private ForeignCoreName() {
    }

    /** {@code openblas_get_corename()} of {@code library}, or null when it has no such function. */
    static String call(String library) throws Throwable {
        System.load(library);
        MemoryAddress function = SymbolLookup.loaderLookup().lookup("openblas_get_corename").orElse(null);
        if (function == null) {
            return null;
        }
        MethodHandle h = CLinker.getInstance().downcallHandle(function, MethodType.methodType(MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER));
        MemoryAddress name = (MemoryAddress) h.invokeExact();
        return CLinker.toJavaString(name).trim();
    }
}
