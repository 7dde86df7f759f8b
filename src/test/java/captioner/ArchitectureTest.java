package captioner;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of docs/architecture.md, checked on the sources: a package may use its own layer and the
 * layers before it, never one after it; the numeric core never touches Spark or Hadoop; every package says
 * what it is for in a package-info.java.
 */
class ArchitectureTest {
    /** Lowest first. The root package {@code captioner} (the user-error type) sits below them all. */
    static final List<String> LAYERS = List.of("", "tensor", "nn", "model", "optim", "io", "data", "train", "eval",
            "ml", "cli");
    /** Layers that compute on arrays only: no cluster, no file systems. */
    static final Set<String> NUMERIC_CORE = Set.of("tensor", "nn", "model", "optim");

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package (captioner(?:\\.[a-z0-9_.]+)?);", Pattern.MULTILINE);
    /** An import, static import or fully qualified use of one of our types. */
    private static final Pattern OWN_REFERENCE = Pattern.compile("\\bcaptioner\\.([a-z][a-z0-9_]*)\\.");
    private static final Pattern CLUSTER_REFERENCE = Pattern.compile("\\borg\\.apache\\.(spark|hadoop)\\.");
    @Test
    void everyPackageIsALayer() throws IOException {
        for (Path file : sources()) {
            String layer = layerOf(packageOf(file));
            assertTrue(LAYERS.contains(layer), file + ": package layer '" + layer + "' is not in " + LAYERS
                    + " (add it to docs/architecture.md and this test)");
        }
    }

    @Test
    void importsPointDownTheLayers() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String layer = layerOf(packageOf(file));
            Matcher m = OWN_REFERENCE.matcher(code(file));
            Set<String> used = new TreeSet<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            for (String other : used) {
                if (LAYERS.contains(other) && LAYERS.indexOf(other) > LAYERS.indexOf(layer)) {
                    violations.add(file + " (" + layer + ") uses captioner." + other);
                }
            }
        }
        assertEquals(List.of(), violations, "imports pointing up the layering " + LAYERS);
    }

    @Test
    void theNumericCoreKnowsNothingOfSparkOrHadoop() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            if (NUMERIC_CORE.contains(layerOf(packageOf(file))) && CLUSTER_REFERENCE.matcher(code(file)).find()) {
                violations.add(file.toString());
            }
        }
        assertEquals(List.of(), violations, "Spark or Hadoop used in " + NUMERIC_CORE);
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        Set<Path> folders = new TreeSet<>();
        for (Path file : sources()) {
            folders.add(file.getParent());
        }
        List<Path> missing = folders.stream().filter(f -> !Files.isRegularFile(f.resolve("package-info.java"))).toList();
        assertEquals(List.of(), missing, "folders without package-info.java");
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            assertTrue(all.size() > 50, "expected the main sources under " + MAIN.toAbsolutePath());
            return all;
        }
    }

    private static String packageOf(Path file) throws IOException {
        Matcher m = PACKAGE.matcher(Files.readString(file));
        assertTrue(m.find(), file + ": no package declaration");
        return m.group(1);
    }

    /** {@code captioner.data.table} → {@code data}; {@code captioner} → the root layer "". */
    private static String layerOf(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts.length == 1 ? "" : parts[1];
    }

    /** The source with comments, string and character literals blanked out: there a package name is only prose. */
    private static String code(Path file) throws IOException {
        String src = Files.readString(file);
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2) + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3) + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                end = i + 1;
                while (end < src.length() && src.charAt(end) != src.charAt(i)) {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                end++;
            } else {
                out.append(src.charAt(i++));
                continue;
            }
            i = end <= i ? src.length() : end;
            out.append(' ');
        }
        return out.toString();
    }
}
