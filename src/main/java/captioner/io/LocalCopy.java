package captioner.io;

import captioner.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * A file at any {@link Location} as a local file, for libraries that need random access to one (jhdf): a local file
 * is used in place, a remote one through a temporary copy in {@code java.io.tmpdir} that is deleted afterwards.
 * Errors name the file and what could not be done with it; callers add what the file was for (a flag, a dataset).
 */
public final class LocalCopy {
    private LocalCopy() {
    }

    /**
     * The file as a local file; close it to delete a temporary copy.
     *
     * @throws BadInputException "FILE: cannot read it: no such file" (or a directory)
     * @throws StorageFailure    when reading the file or writing the copy fails, naming both
     */
    public static LocalFile open(Location file) {
        file.requireFile("read");
        if (file.isLocal()) {
            return new LocalFile(file.localFile(), file.toString(), false);
        }
        Path tmp = null;
        try (InputStream in = file.open()) {
            tmp = Files.createTempFile("captioner-", "-" + file.name());
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return new LocalFile(tmp, file.toString(), true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (e instanceof BadInputException || e instanceof StorageFailure) {
                throw (RuntimeException) e;
            }
            if (StorageFailure.isIo(e)) {
                // The remote file or the local disk: both are named.
                throw new StorageFailure(file, "copy to a temporary file in " + System.getProperty("java.io.tmpdir")
                        + " to read", e);
            }
            throw (RuntimeException) e; // an IOException is I/O, handled above
        }
    }

    /** Applies {@code reader} to the file as a local file, then deletes any temporary copy. */
    public static <T> T read(Location file, Function<Path, T> reader) {
        try (LocalFile local = open(file)) {
            return reader.apply(local.path());
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                p.toFile().deleteOnExit();
            }
        }
    }
}
