package captioner.cli;

import captioner.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;

/** {@code captioner}: every subcommand, and the one place that turns failures into messages and exit codes. */
@Command(name = "captioner",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Trains and evaluates cs231n-style RNN/LSTM image-captioning models on Apache Spark.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvaluateCommand.class, ReportCommand.class, SynthCommand.class, PrepareCommand.class, GradcheckCommand.class, BenchCommand.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'captioner COMMAND --help' for a command's options."})
public final class Main {
    /** Exit status for input or flags the user can fix. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status for a check or run that failed (gradient check, non-finite loss, internal error). */
    public static final int EXIT_FAILED = 1;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handle);
        // train's option defaults from a properties file (key = option name without dashes); flags win. Only train
        // reads it: other commands share option names (--out, --data) with other meanings.
        String conf = System.getProperty("captioner.conf", System.getenv("CAPTIONER_CONF"));
        if (conf != null && new java.io.File(conf).isFile()) {
            cli.getSubcommands().get("train")
                    .setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new java.io.File(conf)));
        }
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        Main root = cli.getCommandSpec().root().userObject() instanceof Main m ? m : null;
        boolean verbose = root != null && root.verbose;
        PrintWriter err = cli.getErr();
        boolean userError = e instanceof BadInputException || e instanceof IllegalArgumentException;
        err.println((userError ? "error: " : "failed: ") + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        } else if (!userError) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return userError ? EXIT_BAD_INPUT : EXIT_FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spark-captioner " + (v == null ? "(development build)" : v)};
        }
    }
}
