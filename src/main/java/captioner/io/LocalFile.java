package captioner.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file on the local disk that a library needing random access (jhdf) can open, with the name messages give it.
 * When {@code temporary}, it is a copy of a remote file and {@link #close()} deletes it.
 */
public record LocalFile(Path path, String displayName, boolean temporary) implements AutoCloseable {

    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Deleting a temp copy is housekeeping: if the OS refuses (e.g. a still-mapped file on Windows),
                // leave it to the JVM's exit hook rather than fail a read that succeeded.
                path.toFile().deleteOnExit();
            }
        }
    }
}
