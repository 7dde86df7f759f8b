/**
 * Where files are and how they are written: {@link captioner.io.Location} applies the one location rule (a plain
 * path is local, a URI names its file system), {@link captioner.io.AtomicWrites} puts every output in place by a
 * rename, {@link captioner.io.LocalCopy} gives libraries that need one a local copy of a remote file, and
 * {@link captioner.io.LineLog} is the growing log (metrics) readers may tail. Failures of the storage are
 * {@link captioner.io.StorageFailure}s naming file and operation; on remote file systems they are retried first
 * ({@link captioner.io.StorageRetries}), and files a dead writer left open are closed by
 * {@link captioner.io.Leases}.
 *
 * <p>May import {@code captioner} (its exception), Hadoop's file system API (with the exceptions its clients throw:
 * IPC, security, HDFS quotas) and the JDK; nothing of Spark or of the numeric packages, and no package above it
 * ({@code data}, {@code train}, {@code eval}, {@code cli}).
 */
package captioner.io;
