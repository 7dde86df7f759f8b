package captioner.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real launcher, {@code submit/captioner}, on a tiny run of the README's main command: stdout holds only our
 * own lines and stderr nothing at all (no JVM notice, no Spark, Hadoop, jHDF or netlib line), so a library that
 * starts to log fails this test. {@code --verbose} brings the libraries' lines back.
 */
class LauncherLogsTest {
    /** Every line a quiet training run prints, in the order it prints them. */
    private static final List<Pattern> TRAIN_LINES = List.of(
            Pattern.compile("data: embedded default dataset \\(.*\\)"),
            Pattern.compile("executor +host +BLAS +library +OPENBLAS_CORETYPE +threads +sgemm GFLOP/s +OpenBLAS core"),
            Pattern.compile("driver \\(this JVM\\) .*"),
            Pattern.compile("driver +\\S+ +\\S+BLAS .*"),
            Pattern.compile("training lstm \\(V=\\d+, .*\\) on [\\d,]+ captions in \\d+ partitions: 4 iterations, .*"),
            Pattern.compile("exchange: local \\(local mode: the tasks share the driver's JVM\\)"),
            Pattern.compile("iteration 2/4 .*"),
            Pattern.compile("iteration 4/4 .*"),
            Pattern.compile("trained lstm for 4 iterations .*; model at .*model\\.h5"));

    @TempDir
    Path tmp;

    /** submit/captioner with these arguments, run on the compiled classes instead of a jar it would build. */
    private Result launch(String... args) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of("submit/captioner"));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().put("CAPTIONER_CLASSPATH", classpath);
        b.environment().put("CAPTIONER_HEAP", "1g");
        Path out = tmp.resolve("stdout-" + args[0] + ".txt");
        Path err = tmp.resolve("stderr-" + args[0] + ".txt");
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher did not finish: " + cmd);
        return new Result(p.exitValue(), Files.readAllLines(out), Files.readString(err));
    }

    private record Result(int exit, List<String> out, String err) {
    }

    @Test
    void aQuietRunPrintsOurLinesOnlyAndVerboseBringsTheLibrariesBack() throws Exception {
        Path run = tmp.resolve("run");
        Result train = launch("train", "--hidden", "8", "--wordvec", "8", "--iterations", "4", "--print-every", "2",
                "--out", run.toString());
        assertEquals(0, train.exit(), train.out() + train.err());
        assertEquals("", train.err(), "stderr of a quiet run");
        assertEquals(TRAIN_LINES.size(), train.out().size(), String.join("\n", train.out()));
        for (int i = 0; i < TRAIN_LINES.size(); i++) {
            assertTrue(TRAIN_LINES.get(i).matcher(train.out().get(i)).matches(),
                    "line " + (i + 1) + " is not ours:\n" + String.join("\n", train.out()));
        }

        Result verbose = launch("evaluate", "--verbose", "--checkpoint", run.resolve("model.h5").toString());
        assertEquals(0, verbose.exit(), verbose.out() + verbose.err());
        assertTrue(verbose.out().stream().anyMatch(l -> l.contains("corpus BLEU-1")), String.join("\n", verbose.out()));
        // The JVM lists the incubator modules in no fixed order.
        assertTrue(Pattern.compile("(?m)^WARNING: Using incubator modules: (jdk\\.incubator\\.(vector|foreign)(, )?){2}$")
                .matcher(verbose.err()).find(), "--verbose shows the incubator notice:\n" + verbose.err());
        for (String library : List.of(" INFO SparkContext: Running Spark version ", " WARN Message: After reading message")) {
            assertTrue(verbose.err().contains(library), "--verbose shows '" + library + "':\n" + verbose.err());
        }
    }
}
