package captioner.cli;

import captioner.TestSpark;
import captioner.data.FeatureKind;
import captioner.data.cs231n.Cs231nReader;
import captioner.data.table.TableMetadata;
import captioner.data.table.TableReader;
import captioner.io.Location;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synth and prepare commands, run as the command line runs them (prepare on the shared test session). */
class DataCommandsTest {
    @TempDir
    Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void session() {
        // prepare reuses this session and leaves it running.
        spark = TestSpark.session();
    }

    private static void assertBadInput(Object[] r, String message) {
        assertEquals(Main.EXIT_BAD_INPUT, r[0], (String) r[2]);
        String err = (String) r[2];
        assertTrue(err.contains("error: ") && err.contains(message), err);
        assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
    }

    @Test
    void helpListsBothCommands() {
        String out = (String) MainTest.run("--help")[1];
        assertTrue(out.contains("synth      Write a synthetic captioning dataset"), out);
        assertTrue(out.contains("prepare    Convert a cs231n COCO directory into the Parquet caption table"), out);
        for (String command : new String[] {"synth", "prepare"}) {
            Object[] r = MainTest.run(command, "--help");
            assertEquals(0, r[0]);
            assertTrue(((String) r[1]).contains("Usage: captioner " + command), (String) r[1]);
        }
        assertTrue(((String) MainTest.run("prepare", "--help")[1]).contains("--max-train=N"));
    }

    @Test
    void synthWritesACs231nDirectoryAndRefusesToWriteOverOne() {
        Path out = tmp.resolve("s");
        Object[] r = MainTest.run("synth", "--out", out.toString(), "--images", "12", "--seed", "4");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).matches("(?s)wrote .*: train 12 images \\(60 captions\\), val 6 images "
                + "\\(30 captions\\), vocabulary \\d+ words, 512 features; [0-9.]+ MB in [0-9.]+ s\n"), (String) r[1]);
        assertEquals(60, Cs231nReader.read(out.toString(), null, FeatureKind.PCA, null, 0).train().numCaptions());

        assertBadInput(MainTest.run("synth", "--out", out.toString(), "--images", "12"),
                "exists and is not empty; expected a new or empty folder, or --overwrite");
        r = MainTest.run("synth", "--out", out.toString(), "--images", "14", "--overwrite");
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(70, Cs231nReader.read(out.toString(), null, FeatureKind.PCA, null, 0).train().numCaptions());

        assertBadInput(MainTest.run("synth", "--out", tmp.resolve("z").toString(), "--images", "0"),
                "--images is 0; expected at least 1");
        assertFalse(Files.exists(tmp.resolve("z")));
    }

    @Test
    void prepareWritesATableAndPrintsOneLine() {
        Path data = tmp.resolve("s");
        assertEquals(0, MainTest.run("synth", "--out", data.toString(), "--images", "10")[0]);
        Path table = tmp.resolve("t");
        Object[] r = MainTest.run("prepare", "--data", data.toString(), "--out", table.toString(), "--max-train", "20",
                "--seed", "3", "--master", "local[2]");
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];
        assertTrue(out.matches("prepared .*/t: train 10 images, 20 captions; val 5 images, 25 captions "
                + "\\(pca features × 512\\); [0-9.]+ MB in [0-9.]+ s\n"), out);
        TableMetadata meta = TableReader.open(Location.of(table.toString(), spark.sparkContext().hadoopConfiguration())).metadata();
        assertEquals(20, meta.maxTrain());
        assertEquals(3, meta.seed());
        assertFalse(spark.sparkContext().isStopped(), "an existing session is left running");

        assertBadInput(MainTest.run("prepare", "--data", data.toString(), "--out", table.toString()),
                ": already exists; expected a new path for the table, or --overwrite");
        r = MainTest.run("prepare", "--data", data.toString(), "--out", table.toString(), "--overwrite");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("train 10 images, 50 captions"), (String) r[1]);
    }

    @Test
    void prepareRefusesBadFlagsAndInputWithExitTwo() throws Exception {
        Path out = tmp.resolve("t");
        assertBadInput(MainTest.run("prepare", "--data", tmp.toString(), "--out", out.toString(), "--max-train", "0"),
                "--max-train is 0; expected at least 1 training caption");
        assertBadInput(MainTest.run("prepare", "--data", tmp.toString(), "--out", out.toString(), "--features", "vgg"),
                "--features vgg: feature kind 'vgg' is unknown; expected pca or fc7");
        assertBadInput(MainTest.run("prepare", "--data", tmp.resolve("nowhere").toString(), "--out", out.toString()),
                "nowhere: no such directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertBadInput(MainTest.run("prepare", "--data", empty.toString(), "--out", out.toString()),
                "coco2014_captions.h5: no such file");
        assertFalse(Files.exists(out));
        Object[] r = MainTest.run("prepare", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("expected either --data DIR (a cs231n directory) or --train-captions FILE"), (String) r[2]);
    }
}
