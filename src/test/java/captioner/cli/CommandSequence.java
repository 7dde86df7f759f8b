package captioner.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several command lines one after the other in one fresh JVM, as separate invocations would run them: each
 * command starts without a Spark session and stops its own. Arguments are the command lines separated by
 * {@value #THEN}; after each, a line "exit N" is printed, and the first failure ends the JVM with its status.
 */
public final class CommandSequence {
    static final String THEN = ";;";

    private CommandSequence() {
    }

    public static void main(String[] args) {
        List<String> command = new ArrayList<>();
        for (String arg : Arrays.copyOf(args, args.length + 1)) {
            if (arg != null && !arg.equals(THEN)) {
                command.add(arg);
                continue;
            }
            int code = Main.run(command.toArray(String[]::new));
            System.out.println("exit " + code);
            System.out.flush();
            if (code != 0) {
                System.exit(code);
            }
            command.clear();
        }
        System.exit(0);
    }
}
