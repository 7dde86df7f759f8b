package captioner.cli;

import captioner.BadInputException;
import captioner.train.RunSettings;
import captioner.train.TrainConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code train --resume}: the run's settings from OUT/run.json, with the flags typed on the command line on top.
 * Values from {@code conf/captioner.properties} or the built-in defaults are not typed, so they never conflict with
 * the run: picocli's parse result knows which options were matched.
 */
final class ResumeFlags {
    private ResumeFlags() {
    }

    /** The settings (run.json keys) whose flags were typed: {@code --max-train} gives {@code maxTrain}. */
    static List<String> typed(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> keys = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (parsed.hasMatchedOption(o)) {
                keys.add(setting(o.longestName()));
            }
        }
        return keys;
    }

    /**
     * The run's settings with the typed flags on top.
     *
     * @throws BadInputException naming every typed flag whose value differs from the run's
     */
    static TrainConfig resume(TrainConfig run, TrainConfig given, List<String> typed, String out) {
        RunSettings.Resumed r = RunSettings.resume(run, given, typed);
        if (!r.differences().isEmpty()) {
            throw new BadInputException("--resume: --out " + out + " holds a run with other settings: "
                    + r.differences().stream().map(d -> flag(d.key()) + " (" + d.run() + " in the run, " + d.given()
                    + " given)").collect(Collectors.joining(", "))
                    + "; leave them out to continue the run as it was started");
        }
        return r.config();
    }

    /** {@code --max-train} → {@code maxTrain}: the mapping {@link TrainCommand} documents. */
    static String setting(String flag) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : flag.replaceFirst("^-+", "").toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** {@code maxTrain} → {@code --max-train}. */
    static String flag(String setting) {
        return "--" + setting.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
