package captioner.cli;

import captioner.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/captioner.properties, train's options and TrainConfig's settings are one list with one set of defaults. */
class TrainOptionsFileTest {
    /** A commented-out setting: "# key = value   (note)", the value empty when the note follows the '='. */
    private static final Pattern LINE = Pattern.compile("# ([a-z][a-z-]*) =(?: +([^ (]\\S*))?.*");

    /** train's options (key = the flag without dashes) and their defaults as text, "" for none. */
    private static Map<String, String> trainOptions() {
        Map<String, String> m = new TreeMap<>();
        for (OptionSpec o : new CommandLine(new TrainCommand()).getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            Object initial = o.initialValue();
            m.put(o.longestName().substring(2), initial == null ? "" : String.valueOf(initial));
        }
        return m;
    }

    @Test
    void thePropertiesFileListsEveryOptionWithItsDefaultAndNothingElse() throws IOException {
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("conf/captioner.properties"))) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                String before = listed.put(m.group(1), m.group(2) == null ? "" : m.group(2));
                assertEquals(null, before, m.group(1) + " is listed twice");
            } else {
                assertTrue(line.isBlank() || line.startsWith("# ") && !line.contains(" = ") || line.startsWith("# Key ="),
                        "not a commented-out setting nor a comment: " + line);
            }
        }
        assertEquals(trainOptions(), listed);
    }

    @Test
    void everySettingIsAnOptionOfTheSameNameWhoseDefaultIsTheConfigs() throws Exception {
        Map<String, String> fieldToFlag = new LinkedHashMap<>();
        for (OptionSpec o : new CommandLine(new TrainCommand()).getCommandSpec().options()) {
            if (o.userObject() instanceof Field f) {
                fieldToFlag.put(f.getName(), o.longestName());
            }
        }
        TrainConfig defaults = TrainConfig.builder().partitions(1).master("local").out("o").build();
        TrainCommand command = new TrainCommand();
        for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
            String flag = fieldToFlag.get(c.getName());
            assertEquals("--" + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT), flag,
                    c.getName() + ": its flag (named in TrainConfig's messages)");
            Object mine = TrainCommand.class.getDeclaredField(c.getName()).get(command);
            Object theirs = c.getAccessor().invoke(defaults);
            if (mine != null && !c.getName().equals("partitions") && !c.getName().equals("master")
                    && !c.getName().equals("out")) {
                assertEquals(String.valueOf(theirs).toLowerCase(java.util.Locale.ROOT),
                        String.valueOf(mine).toLowerCase(java.util.Locale.ROOT), c.getName() + "'s default");
            }
        }
    }
}
