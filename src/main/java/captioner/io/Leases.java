package captioner.io;

import org.apache.hadoop.fs.LeaseRecoverable;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * HDFS leases of files whose writer died. A file open for writing (OUT/metrics.jsonl while a run appends to it) is
 * leased to its writer; when the writer is killed, or loses its DataNode, the file stays open until the name node's
 * hard limit (20 minutes) and reading its last block fails meanwhile ("Cannot obtain block length"). Recovering the
 * lease ({@link LeaseRecoverable#recoverLease}) makes the name node close the file at the length its DataNodes hold.
 * File systems without leases (local disks, object stores) need nothing.
 */
public final class Leases {
    /**
     * Hadoop configuration key: how long {@link #recover} waits for the name node to close a file (a Hadoop
     * duration, default 60s).
     */
    public static final String TIMEOUT = "captioner.storage.lease-timeout";
    private static final long DEFAULT_TIMEOUT_MS = 60_000;
    private static final long POLL_MS = 500;

    private Leases() {
    }

    /**
     * Closes {@code file} if a writer left it open, waiting at most {@value #TIMEOUT} for the name node to recover
     * its last block.
     *
     * @throws StorageFailure "FILE: cannot recover the HDFS lease of it: ..." when it is still open after the wait
     *                        or the name node cannot be asked
     */
    public static void recover(Location file) {
        if (!(file.fs() instanceof LeaseRecoverable leases)) {
            return;
        }
        long timeout = file.conf().getTimeDuration(TIMEOUT, DEFAULT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        try {
            if (leases.isFileClosed(file.path())) {
                return;
            }
            while (!leases.recoverLease(file.path())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("it is still open for writing after " + timeout / 1000 + " s of lease "
                            + "recovery (is the DataNode holding its last block down?); " + TIMEOUT + " sets the wait");
                }
                Thread.sleep(POLL_MS);
                if (leases.isFileClosed(file.path())) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new StorageFailure(file, "recover the HDFS lease of", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageFailure(file, "recover the HDFS lease of", e);
        }
    }

    /** One request to close {@code file}; whether it is closed now (a file system without leases: true). */
    static boolean tryRecover(Location file) throws IOException {
        return !(file.fs() instanceof LeaseRecoverable leases) || leases.isFileClosed(file.path())
                || leases.recoverLease(file.path());
    }
}
