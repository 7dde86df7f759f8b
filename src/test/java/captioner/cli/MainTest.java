package captioner.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    /** Runs the command line with stdout and stderr captured; returns {exit, out, err}. */
    static Object[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs the command line and asserts it exits as bad input: one line "error: MESSAGE…", no stack trace. */
    static void assertBadInput(String message, String... args) {
        Object[] r = run(args);
        String err = (String) r[2];
        assertEquals(Main.EXIT_BAD_INPUT, r[0], String.join(" ", args) + "\n" + err);
        assertTrue(err.contains("error: " + message), "expected '" + message + "' in\n" + err);
        assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
    }

    @Test
    void helpListsEveryCommandWithOneLine() {
        Object[] r = run("--help");
        assertEquals(0, r[0]);
        String out = (String) r[1];
        assertTrue(out.contains("gradcheck  Check every parameter"), out);
        assertTrue(out.contains("bench      Time training steps"), out);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"synth", "prepare", "gradcheck", "bench", "sample", "evaluate", "report"}) {
            Object[] r = run(command, "--help");
            assertEquals(0, r[0], command);
            assertTrue(((String) r[1]).contains("Usage: captioner " + command), command + ": " + r[1]);
        }
    }

    @Test
    void gradcheckPrintsATableAndPasses() {
        Object[] r = run("gradcheck", "--cell", "lstm");
        String out = (String) r[1];
        assertEquals(0, r[0], out + r[2]);
        for (String p : new String[] {"W_embed", "W_proj", "b_proj", "Wx", "Wh", "b ", "W_vocab", "b_vocab"}) {
            assertTrue(out.contains("lstm  " + p), p + " missing from\n" + out);
        }
        assertTrue(out.contains("(5,16)"), "LSTM Wx is W x 4H:\n" + out);
        assertTrue(out.contains("all gradients match"), out);
    }

    @Test
    void unknownCellIsABadInputWithoutStackTrace() {
        Object[] r = run("gradcheck", "--cell", "gru");
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        String err = (String) r[2];
        assertTrue(err.contains("error: --cell: unknown cell type 'gru'; expected rnn, lstm or transformer"), err);
        assertTrue(!err.contains("\tat "), "no stack trace without --verbose:\n" + err);
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Object[] r = run("--verbose", "gradcheck", "--cell", "gru");
        assertEquals(Main.EXIT_BAD_INPUT, r[0]);
        assertTrue(((String) r[2]).contains("\tat captioner."), (String) r[2]);
    }

    @Test
    void unknownOptionIsAUsageError() {
        Object[] r = run("bench", "--no-such-flag");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("Unknown option: '--no-such-flag'"), (String) r[2]);
    }

    @Test
    void benchRunsAndReportsThroughput() {
        Object[] r = run("bench", "--cell", "rnn", "--batch-size", "4", "--vocab", "20", "--input-dim", "8",
                "--wordvec", "8", "--hidden", "8", "--caption-length", "5", "--warmup", "1", "--seconds", "0.2");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).matches("(?s).*rnn +[0-9.]+ captions/s +[0-9.]+ GFLOP/s.*"), (String) r[1]);
    }

    @Test
    void benchSplitsItsStepsOverTasksAsLocalModeTrainingDoes() {
        String[] flags = {"bench", "--cell", "lstm", "--batch-size", "5", "--vocab", "20", "--input-dim", "8",
                "--wordvec", "8", "--hidden", "8", "--caption-length", "5", "--warmup", "1", "--seconds", "0.2",
                "--probe-seconds", "0", "--tasks", "3"};
        Object[] r = run(flags);
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).matches("(?s).*lstm +[0-9.]+ captions/s .*N=5 over 3 tasks.*"), (String) r[1]);
        flags[flags.length - 1] = "6";
        Object[] tooMany = run(flags);
        assertEquals(Main.EXIT_BAD_INPUT, tooMany[0], (String) tooMany[2]);
        assertTrue(((String) tooMany[2]).contains("--tasks 1 to --batch-size"), (String) tooMany[2]);
    }

    @Test
    void benchTimesTheTransformerAndStatesItsFlopsPerCaption() {
        Object[] r = run("bench", "--cell", "transformer", "--batch-size", "4", "--vocab", "20", "--input-dim", "8",
                "--wordvec", "8", "--layers", "2", "--heads", "2", "--ffn", "12", "--caption-length", "5",
                "--warmup", "1", "--seconds", "0.2", "--probe-seconds", "0");
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];
        double flops = new captioner.model.TransformerConfig(20, 8, 8, 12, 2, 2,
                captioner.model.TransformerConfig.DEFAULT_ACTIVATION, 0, 50, 0, 1, 2).flopsPerCaption(4);
        assertTrue(out.matches("(?s).*transformer \\(V=20, D=8, W=8, F=12, L=2, heads=2, gelu, dropout 0\\.0\\) +[0-9.]+ "
                + "captions/s +[0-9.]+ GFLOP/s.*"), out);
        assertTrue(out.contains(String.format("(%.3g FLOP/caption", flops)), flops + " in\n" + out);
        String[] refused = {"--spark times the rnn and lstm loops", "bench", "--cell", "transformer", "--spark"};
        Object[] s = run(java.util.Arrays.copyOfRange(refused, 1, refused.length));
        assertEquals(Main.EXIT_BAD_INPUT, s[0], (String) s[2]);
        assertTrue(((String) s[2]).contains(refused[0]), (String) s[2]);
    }

    @Test
    void trainRefusesBadFlagsBeforeAnyWork() {
        String[][] cases = {
            {"--batch-size", "-1", "--batch-size: got -1; expected a positive integer"},
            {"--update-rule", "adagrad", "--update-rule: unknown update rule 'adagrad'; expected one of sgd, sgd_momentum, rmsprop, adam"},
            {"--lr-decay", "1.5", "--lr-decay: got 1.5; expected a number in (0, 1]"},
            {"--cell", "gru", "--cell: unknown cell type 'gru'; expected rnn, lstm or transformer"},
            {"--dtype", "float16", "--dtype: unknown dtype 'float16'; expected float32 or float64"},
            {"--max-train", "0", "--max-train: got 0; expected a positive integer"},
            {"--features", "vgg", "--features: feature kind 'vgg' is unknown; expected pca or fc7"},
        };
        for (String[] c : cases) {
            Object[] r = run("train", c[0], c[1], "--out", "target/never-written");
            assertEquals(EXIT_BAD_INPUT_CODE, r[0], c[0]);
            assertTrue(((String) r[2]).contains(c[2]), c[0] + ": " + r[2]);
        }
        Object[] r = run("train", "--epochs", "2", "--iterations", "3", "--out", "target/never-written");
        assertTrue(((String) r[2]).contains("--epochs and --iterations: give one, not both"), (String) r[2]);
        assertTrue(!new java.io.File("target/never-written").exists(), "refused before anything was written");
    }

    private static final int EXIT_BAD_INPUT_CODE = Main.EXIT_BAD_INPUT;

    @Test
    void trainRefusesTheOtherFamilysFlagsAndBadTransformerSettings() {
        String[][] cases = {
            {"transformer", "--hidden", "64", "--hidden is an rnn/lstm setting but --cell is transformer; drop it or choose another --cell"},
            {"lstm", "--heads", "2", "--heads is a transformer setting but --cell is lstm; drop it or choose another --cell"},
            {"rnn", "--dropout", "0.2", "--dropout is a transformer setting but --cell is rnn"},
            {"transformer", "--heads", "3", "--heads 3 does not divide --wordvec 256"},
            {"transformer", "--activation", "tanh", "--activation: unknown activation 'tanh'; expected gelu or relu"},
            {"transformer", "--dropout", "1", "--dropout: got 1.0; expected a probability in [0, 1)"},
            {"transformer", "--max-length", "0", "--max-length: got 0; expected a positive integer"},
        };
        for (String[] c : cases) {
            Object[] r = run("train", "--cell", c[0], c[1], c[2], "--out", "target/never-written");
            assertEquals(EXIT_BAD_INPUT_CODE, r[0], c[1]);
            assertTrue(((String) r[2]).contains(c[3]), c[1] + ": " + r[2]);
        }
        assertTrue(!new java.io.File("target/never-written").exists(), "refused before anything was written");
    }

    @Test
    void resumeWithoutPartitionsComparesThemOnceSparkKnowsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path data = tmp.resolve("data");
        captioner.data.synthetic.SyntheticDataset.write(data, 20, 2);
        String[] args = {"train", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--cell", "rnn",
            "--hidden", "8", "--wordvec", "8", "--batch-size", "10", "--iterations", "2"};
        Object[] first = run(args);
        assertEquals(0, first[0], (String) first[2]);
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        Object[] r = run(resume);
        assertEquals(0, r[0], "the check before Spark starts does not take the partitions to be 1:\n" + r[2]);
        assertTrue(((String) r[1]).contains("is complete: 2 iterations"), (String) r[1]);
    }

    @Test
    void trainReadsOptionDefaultsFromThePropertiesFileAndFlagsWin() throws java.io.IOException {
        java.nio.file.Path conf = java.nio.file.Files.createTempFile("captioner", ".properties");
        java.nio.file.Files.writeString(conf, "batch-size = 7\nout = /tmp/from-conf\n");
        String before = System.getProperty("captioner.conf");
        System.setProperty("captioner.conf", conf.toString());
        try {
            String help = (String) run("train", "--help")[1];
            assertTrue(help.contains("Captions per iteration (default: 7)"), help);
            Object[] r = run("train", "--batch-size", "-3", "--out", "target/never-written");
            assertTrue(((String) r[2]).contains("--batch-size: got -3"), "the flag wins: " + r[2]);
            String sampleHelp = (String) run("sample", "--help")[1];
            assertTrue(!sampleHelp.contains("/tmp/from-conf"), "only train reads the file:\n" + sampleHelp);
        } finally {
            if (before == null) {
                System.clearProperty("captioner.conf");
            } else {
                System.setProperty("captioner.conf", before);
            }
            java.nio.file.Files.deleteIfExists(conf);
        }
    }
}
