package captioner.data;

import captioner.BadInputException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The one place that puts files into place on any Hadoop FileSystem so that a reader (or a run
 * killed at any moment) sees either the old complete file or the new complete one: the bytes go
 * to a hidden sibling first, then one rename replaces the target (atomic on local file systems and
 * HDFS; object stores such as S3 copy, which is still never a half-written target).
 */
public final class AtomicWrites {
    private AtomicWrites() {
    }

    /** Copies local {@code source} to {@code target} on its file system, replacing any old target. */
    public static void put(java.nio.file.Path source, Path target, org.apache.hadoop.conf.Configuration conf) {
        Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            FileSystem fs = target.getFileSystem(conf);
            fs.copyFromLocalFile(false, true, new Path(source.toUri()), temp);
            FileContext.getFileContext(target.toUri(), conf).rename(temp, target, Options.Rename.OVERWRITE);
        } catch (IOException e) {
            deleteQuietly(temp, conf);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(temp, conf);
            throw new BadInputException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} (UTF-8) to {@code target} on its file system through {@link #put}. */
    public static void putText(String text, Path target, org.apache.hadoop.conf.Configuration conf) {
        try {
            java.nio.file.Path local = java.nio.file.Files.createTempFile("captioner-", ".tmp");
            try {
                java.nio.file.Files.writeString(local, text, java.nio.charset.StandardCharsets.UTF_8);
                put(local, target, conf);
            } finally {
                java.nio.file.Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p, org.apache.hadoop.conf.Configuration conf) {
        try {
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: a leftover hidden temp file never shadows a real output.
        }
    }
}
