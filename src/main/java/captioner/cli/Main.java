package captioner.cli;

import captioner.BadInputException;
import captioner.train.TrainingFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * {@code captioner}: every subcommand, and the one place that turns failures into messages and exit codes:
 * <ul>
 *   <li>{@link BadInputException}, input the user can fix: "error: ..." and exit {@value #EXIT_BAD_INPUT}
 *       (as picocli's own usage errors);</li>
 *   <li>a run or check that failed ({@link TrainingFailedException}, a Spark job or I/O failure; a failed
 *       gradient check returns its status): "failed: ..." and exit {@value #EXIT_FAILED};</li>
 *   <li>anything else is a bug in our code ({@code IllegalArgumentException}, {@code NullPointerException}, ...),
 *       never shown as bad input: "internal error: ..." and exit {@value #EXIT_FAILED}.</li>
 * </ul>
 * The stack trace is printed under {@code --verbose}; failures and internal errors otherwise say how to get it.
 * {@link #main} also sets the libraries' log levels ({@link ConsoleLogs}): quiet unless {@code --verbose}.
 */
@Command(name = "captioner",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Trains and evaluates cs231n-style RNN/LSTM image-captioning models on Apache Spark.",
        subcommands = {TrainCommand.class, SampleCommand.class, CaptionCommand.class, EvaluateCommand.class, ReportCommand.class, SynthCommand.class, PrepareCommand.class, GradcheckCommand.class, BenchCommand.class, PredictCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'captioner COMMAND --help' for a command's options."})
public final class Main {
    /** Exit status for input or flags the user can fix. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status for a check or run that failed (gradient check, non-finite loss) and for internal errors. */
    public static final int EXIT_FAILED = 1;

    /** Printed after every "failed:" and "internal error:" line when not verbose. */
    static final String VERBOSE_HINT = "(run with --verbose for the details)";

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors, and the libraries' (Spark, Hadoop, jHDF) INFO and WARN logs.")
    boolean verbose;

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        // The process's library logs follow --verbose. Only here: tests run commands in one shared JVM and keep
        // their own log configuration.
        cli.setExecutionStrategy(parsed -> {
            ConsoleLogs.apply(((Main) cli.getCommand()).verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(cli.execute(args));
    }

    /** Runs the command line and returns its exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with every subcommand, the error policy and train's defaults file. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handle);
        // train's option defaults from a properties file (key = option name without dashes); flags win. Only train
        // reads it: other commands share option names (--out, --data) with other meanings.
        String conf = System.getProperty("captioner.conf", System.getenv("CAPTIONER_CONF"));
        if (conf != null && new java.io.File(conf).isFile()) {
            cli.getSubcommands().get("train")
                    .setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new java.io.File(conf)));
        }
        return cli;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        Main root = cli.getCommandSpec().root().userObject() instanceof Main m ? m : null;
        boolean verbose = root != null && root.verbose;
        PrintWriter err = cli.getErr();
        boolean badInput = e instanceof BadInputException;
        // A Spark job that failed (a lost executor, a task out of retries) is a failed run, as an I/O error is.
        boolean failed = e instanceof TrainingFailedException || e instanceof UncheckedIOException
                || e instanceof org.apache.spark.SparkException;
        // A bug's class says as much as its message (a NullPointerException may have none).
        err.println(badInput ? "error: " + e.getMessage() : failed ? "failed: " + e.getMessage() : "internal error: " + e);
        if (verbose) {
            e.printStackTrace(err);
        } else if (!badInput) {
            err.println(VERBOSE_HINT);
        }
        err.flush();
        return badInput ? EXIT_BAD_INPUT : EXIT_FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spark-captioner " + (v == null ? "(development build)" : v)};
        }
    }
}
