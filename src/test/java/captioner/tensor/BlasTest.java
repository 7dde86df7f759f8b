package captioner.tensor;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasTest {
    private static final Map<String, String> ZEN3 = Map.of("vendor_id", "AuthenticAMD", "cpu family", "25", "model", "1",
            "flags", "fpu sse2 avx fma avx2 bmi2");

    @Test
    void coreTypeSetByTheLauncherWins() {
        String core = Blas.openBlasCore(Map.of("OPENBLAS_CORETYPE", "SkylakeX"), ZEN3);
        assertTrue(core.startsWith("SkylakeX (OPENBLAS_CORETYPE)"), core);
    }

    @Test
    void zenIsNamedAndOtherCpusAreLeftToOpenBlas() {
        String zen = Blas.openBlasCore(Map.of(), ZEN3);
        assertTrue(zen.startsWith("Zen, AVX2"), zen);
        String intel = Blas.openBlasCore(Map.of(), Map.of("vendor_id", "GenuineIntel", "cpu family", "6", "model", "143",
                "flags", "avx2 avx512f amx_tile"));
        assertTrue(intel.contains("OPENBLAS_VERBOSE=2") && intel.contains("GenuineIntel family 6 model 143"), intel);
    }

    @Test
    void theSgemmProbeMeasuresARate() {
        double rate = Blas.sgemmGflops(64, 0.05);
        assertTrue(rate > 0 && Double.isFinite(rate), "rate " + rate);
        String described = Blas.describe();
        assertTrue(described.startsWith(Blas.implementation()), described);
    }
}
