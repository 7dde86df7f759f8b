package captioner.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel name in the BLAS table is OpenBLAS's own: child JVMs with {@code OPENBLAS_VERBOSE=2} have OpenBLAS print
 * its choice ("Core: Zen") as it loads, and the probe must say the same; without the JVM flags it says "unknown" and
 * why, and never fails.
 */
class OpenBlasCoreTest {
    private static final Pattern VERBOSE_CORE = Pattern.compile("(?m)^Core: (\\S+)\\s*$");

    private record Child(String out, String coreName, boolean generic) {
    }

    /** CoreNameProbe in a child JVM with {@code jvmFlags} and this one's environment plus {@code env}. */
    private static Child probe(Map<String, String> env, String... jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CoreNameProbe.class.getName()));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().putAll(env);
        Process p = b.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Matcher name = Pattern.compile("(?m)^coreName=(.*)$").matcher(out);
        assertTrue(name.find(), out);
        return new Child(out, name.group(1), out.contains("generic=true"));
    }

    private static String javaOptions() {
        return "@" + Path.of("conf", "java-options").toAbsolutePath();
    }

    private static String verboseCore(Child c) {
        Matcher m = VERBOSE_CORE.matcher(c.out());
        assertTrue(m.find(), "OPENBLAS_VERBOSE=2 prints the core:\n" + c.out());
        return m.group(1);
    }

    private static void assumeOpenBlas() {
        String library = Blas.nativeLibrary();
        assumeTrue(library != null && library.contains("openblas"), "OpenBLAS is this JVM's BLAS: " + library);
    }

    @Test
    void theNameIsTheOneOpenBlasPrintsAndThisJvmsOwn() throws Exception {
        assumeOpenBlas();
        Child c = probe(Map.of("OPENBLAS_VERBOSE", "2"), javaOptions());
        assertEquals(verboseCore(c), c.coreName(), c.out());
        // Same environment as this JVM (the test runner's, through submit/bin/java): the same kernels.
        assertEquals(OpenBlasCore.name(), c.coreName());
        assertFalse(c.generic(), "this machine's CPU is one OpenBLAS knows (or submit/bin/java names): " + c.out());
    }

    @Test
    void aGenericKernelIsNamedAndFlagged() throws Exception {
        assumeOpenBlas();
        Child c = probe(Map.of("OPENBLAS_VERBOSE", "2", "OPENBLAS_CORETYPE", "Prescott"), javaOptions());
        assertEquals("Prescott", verboseCore(c), c.out());
        assertEquals("Prescott", c.coreName(), c.out());
        assertTrue(c.generic(), c.out());
    }

    @Test
    void withoutTheJvmFlagsTheNameIsUnknownAndSaysWhy() throws Exception {
        assumeOpenBlas();
        Child noAccess = probe(Map.of(), "--add-modules=jdk.incubator.foreign");
        assertEquals("unknown (the JVM needs --enable-native-access=ALL-UNNAMED)", noAccess.coreName(), noAccess.out());
        Child noModule = probe(Map.of());
        assertEquals("unknown (the JVM needs --add-modules=jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)",
                noModule.coreName(), noModule.out());
        assertFalse(noModule.generic());
    }

    @Test
    void withoutANativeBlasOrOpenBlasTheNameIsUnknown() {
        assertEquals("unknown (no native BLAS)", OpenBlasCore.ask(null));
        assertTrue(OpenBlasCore.generic("Prescott") && OpenBlasCore.generic("Core2"));
        assertFalse(OpenBlasCore.generic("Zen") || OpenBlasCore.generic("Haswell") || OpenBlasCore.generic("SkylakeX"));
    }
}
