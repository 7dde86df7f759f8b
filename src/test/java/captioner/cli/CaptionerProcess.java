package captioner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A captioner command in a JVM of its own, as a scheduler starts one: it can be killed, its output is a file. */
final class CaptionerProcess {
    private CaptionerProcess() {
    }

    /** {@code java ... captioner.cli.Main ARGS}; {@code jvmArgs} go to the JVM (e.g. -Dspark.* settings). */
    static List<String> command(List<String> jvmArgs, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("conf", "java-options").toAbsolutePath(),
                "-Dlog4j2.configurationFile=" + Path.of("src", "test", "resources", "log4j2-test.properties")
                        .toAbsolutePath()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "captioner.cli.Main"));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code cmd}, its standard output and error both into {@code log}. */
    static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the process to end (at most 10 minutes, a guard against hangs; then it is killed) and returns its exit status. */
    static int finish(Process p, Path log) throws Exception {
        boolean ended = p.waitFor(600, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // never left running past its test
        }
        assertTrue(ended, "the command did not finish:\n" + Files.readString(log));
        return p.exitValue();
    }
}
