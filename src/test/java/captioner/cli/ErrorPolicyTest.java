package captioner.cli;

import captioner.BadInputException;
import captioner.train.TrainingFailedException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Main's one error policy: bad input exits 2, a failed run 1, and a bug 1 as an internal error, never as bad input. */
class ErrorPolicyTest {

    /** A command that throws what it is given. */
    @Command(name = "throw")
    static final class Thrower implements Callable<Integer> {
        private final Supplier<Exception> failure;

        Thrower(Supplier<Exception> failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            throw failure.get();
        }
    }

    /** Runs {@code throw} (after any of {@code before}, e.g. --verbose) with Main's policy; returns {exit, stderr}. */
    private static Object[] run(Supplier<Exception> failure, String... before) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("throw", new Thrower(failure));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        String[] args = java.util.Arrays.copyOf(before, before.length + 1);
        args[before.length] = "throw";
        int code = cli.execute(args);
        return new Object[] {code, err.toString()};
    }

    @Test
    void anIllegalArgumentIsAnInternalErrorNotBadInput() {
        Object[] r = run(() -> new IllegalArgumentException("index 7 outside [0, 3)"));
        String err = (String) r[1];
        assertEquals(Main.EXIT_FAILED, r[0]);
        assertTrue(err.startsWith("internal error: java.lang.IllegalArgumentException: index 7 outside [0, 3)"), err);
        assertTrue(err.contains("\n(run with --verbose for the details)\n"), err);
        assertFalse(err.contains("error: index") && err.startsWith("error:"), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void aNullPointerWithoutMessageStillSaysWhatItIs() {
        Object[] r = run(NullPointerException::new);
        assertEquals(Main.EXIT_FAILED, r[0]);
        assertTrue(((String) r[1]).startsWith("internal error: java.lang.NullPointerException"), (String) r[1]);
    }

    @Test
    void verboseShowsTheBugsStackTrace() {
        Object[] r = run(() -> new IllegalStateException("stuck"), "--verbose");
        String err = (String) r[1];
        assertEquals(Main.EXIT_FAILED, r[0]);
        assertTrue(err.startsWith("internal error: java.lang.IllegalStateException: stuck"), err);
        assertTrue(err.contains("\tat captioner.cli.ErrorPolicyTest"), err);
    }

    @Test
    void badInputIsExitTwoWithoutHint() {
        Object[] r = run(() -> new BadInputException("--data /nowhere: no such directory"));
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertEquals("error: --data /nowhere: no such directory", ((String) r[1]).strip());
    }

    @Test
    void aFailedRunIsExitOneFailed() {
        Object[] r = run(() -> new TrainingFailedException("the loss is NaN at iteration 3"));
        assertEquals(Main.EXIT_FAILED, r[0]);
        assertEquals("failed: the loss is NaN at iteration 3\n(run with --verbose for the details)\n", r[1]);
    }

    @Test
    void aFailedSparkJobIsExitOneFailed() {
        Object[] r = run(() -> new org.apache.spark.SparkException("Job aborted: task 3 failed 4 times"));
        assertEquals(Main.EXIT_FAILED, r[0]);
        assertTrue(((String) r[1]).startsWith("failed: Job aborted"), (String) r[1]);
    }

    @Test
    void badFlagsAreExitTwoNamingTheFlag() {
        String[][] cases = {
            {"--hidden: got 0; expected a positive integer", "train", "--hidden", "0", "--out", "target/never-written"},
            {"--cell: unknown cell type 'gru'", "bench", "--cell", "gru"},
            {"--dtype: unknown dtype 'f16'", "bench", "--dtype", "f16"},
            {"--gallery is -1", "report", "--run", "target/no-such-run", "--gallery", "-1"},
            {"--partitions is 0", "evaluate", "--checkpoint", "x.h5", "--partitions", "0"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Object[] r = MainTest.run(args);
            assertEquals(Main.EXIT_BAD_INPUT, r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(((String) r[2]).startsWith("error: " + c[0]), String.join(" ", args) + ": " + r[2]);
        }
    }
}
