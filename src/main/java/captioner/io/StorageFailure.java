package captioner.io;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A file that could not be written or read because of its storage, not its contents: a full disk, a permission, a
 * file system that went away. The message names the file, the operation and the root cause, e.g.
 * {@code runs/x/model.h5: cannot write it: No space left on device}; it is a failed run (exit 1), not bad input.
 */
public final class StorageFailure extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    public StorageFailure(Location file, String operation, Throwable failure) {
        super(file + ": cannot " + operation + " it: " + rootCause(failure), failure instanceof IOException io ? io
                : new IOException(failure));
    }

    /** The innermost cause's message (jhdf and Hadoop wrap the operating system's), or its class without one. */
    static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Whether {@code t} or one of its causes is an I/O failure (what a library's own exception may wrap). */
    static boolean isIo(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException || c instanceof org.apache.hadoop.fs.FSError) {
                return true;
            }
        }
        return false;
    }
}
