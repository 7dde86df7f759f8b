package captioner.io;

import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The one way files are put in place, so that a reader (or a run killed at any moment) sees either the old complete
 * file or the new complete one: the bytes go to a hidden sibling {@code .NAME.tmp-UUID} first, then one rename
 * replaces the target (atomic on local file systems and HDFS; object stores such as S3 copy, which is still never a
 * half-written target). Every writer uses it: checkpoints, models, run.json, tables' metadata, samples, evaluation
 * JSON, reports, synthetic datasets, plots.
 *
 * <p>Writers that need a local file (jhdf, the chart library) write one: for a local target it is the hidden
 * sibling itself, for any other file system a local temporary file that is then copied beside the target, a copy
 * tried again after a transient failure as {@link StorageRetries} says.
 */
public final class AtomicWrites {
    private AtomicWrites() {
    }

    /** Writes a local file given its path; the file does not exist when called. */
    @FunctionalInterface
    public interface LocalWriter {
        void writeTo(java.nio.file.Path file) throws IOException;
    }

    /** The hidden name a file or folder is written under before it is renamed to {@code target}. */
    public static Location temporarySibling(Location target) {
        return target.sibling("." + target.name() + ".tmp-" + UUID.randomUUID());
    }

    /**
     * Writes {@code target} through {@code body} and renames it into place, replacing any old file and creating
     * missing parent folders.
     *
     * @throws StorageFailure when the target cannot be written (a read-only folder, a full disk, a file where a
     *                        folder should be, a lost file system...), naming the target and the cause; no temporary
     *                        file is left
     */
    public static void write(Location target, LocalWriter body) {
        Location temp = temporarySibling(target);
        try {
            if (target.isLocal()) {
                java.nio.file.Path file = target.localFile();
                Files.createDirectories(file.toAbsolutePath().getParent());
                java.nio.file.Path tmp = temp.localFile();
                body.writeTo(tmp);
                move(tmp, file);
            } else {
                java.nio.file.Path local = Files.createTempFile("captioner-", "-" + target.name());
                try {
                    Files.delete(local);
                    body.writeTo(local);
                    // Only the copy is tried again (StorageRetries): the local file is whole.
                    StorageRetries.of(target).run(target, "write", (retry, previous) -> {
                        try {
                            target.fs().mkdirs(target.path().getParent());
                            target.fs().copyFromLocalFile(false, true, new Path(local.toUri()), temp.path());
                            renameOver(temp, target);
                            return null;
                        } catch (IOException | RuntimeException e) {
                            temp.deleteQuietly();
                            throw e;
                        }
                    });
                } finally {
                    Files.deleteIfExists(local);
                }
            }
        } catch (IOException | UncheckedIOException | org.apache.hadoop.fs.FSError e) {
            temp.deleteQuietly();
            throw new StorageFailure(target, "write", e);
        } catch (RuntimeException e) {
            temp.deleteQuietly();
            if (StorageFailure.isIo(e)) {
                throw new StorageFailure(target, "write", e); // a writing library's wrapping of an I/O failure
            }
            throw e;
        }
    }

    /** Writes {@code text} as UTF-8 through {@link #write}. */
    public static void writeText(Location target, String text) {
        write(target, file -> Files.writeString(file, text, StandardCharsets.UTF_8));
    }

    /**
     * Creates {@code target} holding {@code text} if nothing is there, in one step that only one of several
     * concurrent writers wins: {@code O_EXCL} on a local disk, a create without overwrite on HDFS (whose name node
     * decides). Missing parent folders are created.
     *
     * @return false when the file already exists
     * @throws UncheckedIOException when it cannot be written, naming it
     */
    public static boolean createExclusive(Location target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            if (target.isLocal()) {
                java.nio.file.Path file = target.localFile();
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            }
            try (org.apache.hadoop.fs.FSDataOutputStream out = target.fs().create(target.path(), false)) {
                out.write(bytes);
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (target.exists()) {
                return false;
            }
            throw new UncheckedIOException(target + ": cannot create it (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Renames the complete folder {@code source} to {@code target}, which must not exist or be an empty folder.
     *
     * @return false, leaving both as they are, when {@code target} is a folder that is not empty (another writer
     *         was first)
     */
    public static boolean moveFolder(Location source, Location target) {
        try {
            if (target.isLocal()) {
                try {
                    // rename(2): atomic, and replaces an empty folder.
                    move(source.localFile(), target.localFile());
                    return true;
                } catch (IOException e) {
                    // rename(2) fails with ENOTEMPTY, which Java reports as a plain FileSystemException.
                    if (target.isDirectory() && !target.list().isEmpty()) {
                        return false;
                    }
                    throw e;
                }
            }
            if (target.isDirectory() && !target.list().isEmpty()) {
                return false;
            }
            renameOver(source, target);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot rename " + source + " to it (" + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * Renames {@code from} to {@code to} on a Hadoop file system, replacing a file or an empty folder there: in one
     * step through {@link FileContext} (HDFS, S3A...), or, for a file system with no {@code AbstractFileSystem}
     * binding, by deleting the old target first.
     */
    private static void renameOver(Location from, Location to) throws IOException {
        FileContext context;
        try {
            context = FileContext.getFileContext(to.path().toUri(), to.conf());
        } catch (UnsupportedFileSystemException e) {
            to.fs().delete(to.path(), false);
            if (!to.fs().rename(from.path(), to.path())) {
                throw new IOException("cannot rename " + from + " to " + to);
            }
            return;
        }
        context.rename(from.path(), to.path(), Options.Rename.OVERWRITE);
    }

    private static void move(java.nio.file.Path from, java.nio.file.Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
