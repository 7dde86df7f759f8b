package captioner.cli;

import captioner.data.synthetic.SyntheticDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --out DIR --resume} takes the run's settings from its run.json; typed flags must agree. */
class ResumeFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void resumeAloneContinuesAndTypedFlagsMustAgree() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticDataset.write(data, 20, 2);
        String out = tmp.resolve("run").toString();
        Object[] first = MainTest.run("train", "--data", data.toString(), "--out", out, "--cell", "rnn", "--hidden",
                "8", "--wordvec", "8", "--batch-size", "10", "--iterations", "2", "--partitions", "2");
        assertEquals(0, first[0], (String) first[2]);

        Object[] done = MainTest.run("train", "--out", out, "--resume");
        assertEquals(0, done[0], (String) done[2]);
        assertTrue(((String) done[1]).contains("is complete: 2 iterations"), (String) done[1]);

        Object[] differ = MainTest.run("train", "--out", out, "--resume", "--hidden", "16", "--cell", "rnn",
                "--partitions", "3");
        assertEquals(Main.EXIT_BAD_INPUT, differ[0]);
        assertTrue(((String) differ[2]).contains("--hidden (8 in the run, 16 given), --partitions (2 in the run, 3 "
                + "given)"), (String) differ[2]);

        // A default from the properties file is not typed: it never conflicts with the run.
        Path conf = tmp.resolve("captioner.properties");
        Files.writeString(conf, "hidden = 64\nwordvec = 32\n");
        String before = System.getProperty("captioner.conf");
        System.setProperty("captioner.conf", conf.toString());
        try {
            Object[] longer = MainTest.run("train", "--out", out, "--resume", "--iterations", "4");
            assertEquals(0, longer[0], (String) longer[2]);
            assertTrue(((String) longer[1]).contains("resuming from iteration 2"), (String) longer[1]);
            assertTrue(((String) longer[1]).contains("H=8") && ((String) longer[1]).contains("in 2 partitions"),
                    (String) longer[1]);
        } finally {
            if (before == null) {
                System.clearProperty("captioner.conf");
            } else {
                System.setProperty("captioner.conf", before);
            }
        }
        assertTrue(Files.readString(Path.of(out, "run.json")).contains("\"iterations\" : 4"),
                "the new length is the run's");
        assertTrue(!Files.exists(Path.of(out, "train.lock")), "the lock is released");
    }
}
