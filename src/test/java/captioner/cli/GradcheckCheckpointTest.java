package captioner.cli;

import captioner.data.synthetic.SyntheticDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradcheckCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void checksATrainedCheckpointOnItsData() throws Exception {
        Path data = tmp.resolve("data");
        SyntheticDataset.write(data, 30, 2);
        Path out = tmp.resolve("run");
        Object[] trained = MainTest.run("train", "--data", data.toString(), "--out", out.toString(), "--cell", "rnn",
                "--hidden", "12", "--wordvec", "8", "--batch-size", "10", "--iterations", "3", "--partitions", "2");
        assertEquals(0, trained[0], (String) trained[2]);
        Object[] r = MainTest.run("gradcheck", "--checkpoint", out.resolve("model.h5").toString(), "--data",
                data.toString(), "--entries", "6");
        assertEquals(0, r[0], r[1] + "\n" + r[2]);
        String table = (String) r[1];
        assertTrue(table.contains("gradient check of the checkpoint"), table);
        assertTrue(table.contains("rnn   Wh        (12,12)"), table);
        assertTrue(table.contains("all gradients match"), table);
    }

    @Test
    void missingCheckpointIsABadInput() {
        Object[] r = MainTest.run("gradcheck", "--checkpoint", tmp.resolve("nope.h5").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("nope.h5"), (String) r[2]);
    }
}
