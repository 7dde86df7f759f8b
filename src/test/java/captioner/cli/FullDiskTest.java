package captioner.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose --out is a real 3 MB tmpfs: it fails with one message saying the disk is full, naming the file, the last
 * good checkpoint and --resume, and leaves no temporary file. Mounting needs root; elsewhere the test is skipped.
 */
class FullDiskTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskEndsTheRunCleanly() throws Exception {
        Path disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        Assumptions.assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", disk.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        try {
            Path out = disk.resolve("run");
            Object[] r = MainTest.run("train", "--out", out.toString(), "--cell", "rnn", "--hidden", "128",
                    "--wordvec", "64", "--iterations", "40", "--checkpoint-every", "20", "--print-every", "20");
            String err = (String) r[2];
            assertEquals(Main.EXIT_FAILED, r[0], err);
            assertTrue(err.contains("failed: " + out) && err.contains(": cannot write it: No space left on device")
                    && err.contains("Last good checkpoint: " + out.resolve("checkpoints"))
                    && err.contains("--resume continues"), err);
            try (Stream<Path> all = Files.walk(out)) {
                List<String> temporary = all.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-"))
                        .toList();
                assertEquals(List.of(), temporary, "no temporary file is left on the full disk");
            }
            assertTrue(!Files.exists(out.resolve("train.lock")), "the lock is released");
        } finally {
            exec("umount", "--lazy", disk.toString()); // lazily: Spark may still hold a file there
        }
    }

    private static int exec(String... cmd) throws IOException, InterruptedException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
