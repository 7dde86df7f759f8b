package captioner.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A file a flag names that is not there: one line naming the flag and the file, and nothing about cs231n. */
class MissingFilesTest {
    @TempDir
    Path tmp;

    /** The error is one line, the only one that names the file (Spark's log lines, if any, do not). */
    private static void assertOneLine(String expected, String file, Object[] result) {
        String err = (String) result[2];
        assertEquals(Main.EXIT_BAD_INPUT, result[0], err);
        assertEquals(List.of(expected), err.lines().filter(l -> l.contains(file)).toList(), err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("error")).count(), err);
        assertFalse(err.contains("cs231n"), err);
    }

    @Test
    void aMissingInitFileIsOneLineNamingTheFlagAndTheFile() {
        String missing = tmp.resolve("nope.h5").toString();
        Path out = tmp.resolve("run");
        Object[] r = MainTest.run("train", "--init", missing, "--out", out.toString());
        assertOneLine("error: --init " + missing + ": cannot read it: no such file", missing, r);
        assertFalse(Files.exists(out), "refused before anything was written");
    }

    @Test
    void aMissingGradcheckCheckpointIsOneLineNamingTheFlagAndTheFile() {
        String missing = tmp.resolve("nope.h5").toString();
        assertOneLine("error: --checkpoint " + missing + ": cannot read it: no such file", missing,
                MainTest.run("gradcheck", "--checkpoint", missing));
    }

    @Test
    void aFolderGivenForInitIsNamedAsSuch() {
        String folder = tmp.toString();
        assertOneLine("error: --init " + folder + ": cannot read it: is a directory, not a file", folder + ":",
                MainTest.run("train", "--init", folder, "--out", tmp.resolve("run").toString()));
    }
}
