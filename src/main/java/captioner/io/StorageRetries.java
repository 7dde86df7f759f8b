package captioner.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.hdfs.protocol.QuotaExceededException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.security.AccessControlException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How often a failed operation on a remote file system (HDFS, an object store) is tried again before it is a
 * {@link StorageFailure}: a DataNode restarting or a network blip is over in seconds, and the whole file is written
 * again (Hadoop's client does not: with one DataNode left it excludes it and gives up). Read from the Hadoop
 * configuration, so {@code spark.hadoop.}{@value #RETRIES} (or a core-site.xml) sets it:
 * <ul>
 *   <li>{@value #RETRIES}: retries after the first attempt (default {@value #DEFAULT_RETRIES}; 0 = none);</li>
 *   <li>{@value #WAIT}: the wait before the first retry, doubled before each next one (default 1s: 1 + 2 + 4 s).</li>
 * </ul>
 * Local files are never retried (a full local disk stays full), nor are failures that another attempt cannot cure:
 * a missing file, a permission, a quota, a file that already exists.
 */
public final class StorageRetries {
    /** Hadoop configuration key: retries after the first attempt. */
    public static final String RETRIES = "captioner.storage.retries";
    /** Hadoop configuration key: the first wait (Hadoop durations: 500ms, 2s...), doubled before each retry. */
    public static final String WAIT = "captioner.storage.retry-wait";
    static final int DEFAULT_RETRIES = 3;
    private static final long DEFAULT_WAIT_MS = 1000;

    /** Failures a retry cannot cure (also when the name node reports them as a {@link RemoteException}). */
    private static final List<Class<? extends IOException>> PERMANENT = List.of(FileNotFoundException.class,
            AccessControlException.class, QuotaExceededException.class, FileAlreadyExistsException.class,
            ParentNotDirectoryException.class);

    /** An operation on the file system that may be tried again as a whole. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @param retry    0 for the first attempt, then 1, 2, ...
         * @param previous the failure of the attempt before (null for the first)
         */
        T run(int retry, Throwable previous) throws IOException;
    }

    private final int retries;
    private final long waitMillis;
    private final PrintStream log;

    private StorageRetries(int retries, long waitMillis, PrintStream log) {
        this.retries = retries;
        this.waitMillis = waitMillis;
        this.log = log;
    }

    /** The retries configured for {@code file}'s file system: none for a local file. */
    public static StorageRetries of(Location file) {
        if (file.isLocal()) {
            return new StorageRetries(0, 0, System.err);
        }
        Configuration conf = file.conf();
        return new StorageRetries(Math.max(0, conf.getInt(RETRIES, DEFAULT_RETRIES)),
                Math.max(0, conf.getTimeDuration(WAIT, DEFAULT_WAIT_MS, TimeUnit.MILLISECONDS)), System.err);
    }

    /**
     * Runs {@code attempt} until it succeeds, the failure is permanent, or the retries are used up; each retry is
     * announced on standard error ("warning: FILE: cannot OPERATION it: CAUSE; retry 1 of 3 in 1 s").
     *
     * @throws IOException the last attempt's failure
     */
    public <T> T run(Location file, String operation, Attempt<T> attempt) throws IOException {
        Throwable previous = null;
        for (int retry = 0; ; retry++) {
            try {
                return attempt.run(retry, previous);
            } catch (IOException | RuntimeException e) {
                if (retry >= retries || !isTransient(e)) {
                    throw e;
                }
                long wait = waitMillis << Math.min(retry, 20);
                log.printf("warning: %s: cannot %s it: %s; retry %d of %d in %s%n", file, operation,
                        StorageFailure.rootCause(e), retry + 1, retries, seconds(wait));
                sleep(wait, e);
                previous = e;
            }
        }
    }

    /** Whether another attempt may succeed: an I/O failure that is not one of {@link #PERMANENT}. */
    static boolean isTransient(Throwable t) {
        if (!StorageFailure.isIo(t)) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<? extends IOException> permanent : PERMANENT) {
                if (permanent.isInstance(c) || c instanceof RemoteException remote
                        && remote.getClassName().equals(permanent.getName())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static void sleep(long millis, Throwable failure) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry after: " + failure);
        }
    }
}
