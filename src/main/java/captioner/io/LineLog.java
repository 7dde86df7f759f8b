package captioner.io;

import org.apache.hadoop.fs.FSDataOutputStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A log of whole lines that others may read while it grows (a scheduler tailing a metrics file). Opening replaces
 * the file atomically ({@link AtomicWrites}) with the lines to keep, so a kill while opening never loses them;
 * then each appended line is flushed whole, so a reader sees complete lines only. A file system without append
 * (object stores) gets the kept lines written again into a new file, visible when it is closed.
 *
 * <p>On a remote file system a failed append is retried as {@link StorageRetries} says: the broken stream is
 * dropped, its HDFS lease recovered ({@link Leases}), the file read back to the lines written so far (a line that
 * did arrive is not written twice) and opened again.
 */
public final class LineLog implements Closeable {
    private final Location file;
    private OutputStream out;
    /** Lines the file holds: those kept at opening and those appended since. */
    private int lines;

    private LineLog(Location file, OutputStream out, int lines) {
        this.file = file;
        this.out = out;
        this.lines = lines;
    }

    /**
     * Replaces {@code file} with {@code kept} (each without its line end) and opens it for appending.
     *
     * @throws StorageFailure when it cannot be written or opened
     */
    public static LineLog open(Location file, List<String> kept) {
        return new LineLog(file, replace(file, kept), kept.size());
    }

    /**
     * The whole lines of {@code file} (without line ends), after recovering the lease a dead writer may hold
     * ({@link Leases#recover}); a last line without its line end, which a killed writer may leave, is not one.
     *
     * @throws StorageFailure "FILE: cannot read it: ..."
     */
    public static List<String> read(Location file) {
        Leases.recover(file);
        try {
            return wholeLines(file);
        } catch (IOException e) {
            throw new StorageFailure(file, "read", e);
        }
    }

    private static OutputStream replace(Location file, List<String> kept) {
        StringBuilder text = new StringBuilder();
        for (String line : kept) {
            text.append(line).append('\n');
        }
        AtomicWrites.writeText(file, text.toString());
        try {
            if (file.isLocal()) {
                return Files.newOutputStream(file.localFile(), StandardOpenOption.APPEND);
            }
            try {
                return file.fs().append(file.path());
            } catch (UnsupportedOperationException e) {
                FSDataOutputStream out = file.fs().create(file.path(), true);
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                return out;
            }
        } catch (IOException e) {
            throw new StorageFailure(file, "open for appending", e);
        }
    }

    /**
     * Appends {@code line} and a line end, and makes them visible to readers.
     *
     * @throws StorageFailure "FILE: cannot append to it: ..." once the retries are used up
     */
    public void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            StorageRetries.of(file).run(file, "append to", (retry, previous) -> {
                if (retry > 0 && reopen(line, previous)) {
                    return null;
                }
                out.write(bytes);
                if (out instanceof FSDataOutputStream hadoop) {
                    hadoop.hflush();
                } else {
                    out.flush();
                }
                return null;
            });
            lines++;
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageFailure failure) {
                throw failure;
            }
            if (!StorageFailure.isIo(e)) {
                throw (RuntimeException) e;
            }
            throw new StorageFailure(file, "append to", e);
        }
    }

    /**
     * Drops the broken stream and opens the file again holding exactly the {@link #lines} written before.
     *
     * @param failure why the stream broke: the cause named while the file cannot be opened again
     * @return whether {@code line} had arrived before the failure (it is kept, not written again)
     */
    private boolean reopen(String line, Throwable failure) throws IOException {
        try {
            out.close();
        } catch (IOException ignored) {
            // The stream failed already; its lease is recovered next.
        }
        if (!Leases.tryRecover(file)) {
            throw new IOException("its HDFS lease is not recovered yet", failure);
        }
        List<String> back = wholeLines(file);
        if (back.size() < lines) {
            throw new IOException("it holds " + back.size() + " whole lines after the failure, " + lines
                    + " were written");
        }
        boolean arrived = back.size() > lines && back.get(lines).equals(line);
        out = replace(file, back.subList(0, lines + (arrived ? 1 : 0)));
        return arrived;
    }

    private static List<String> wholeLines(Location file) throws IOException {
        try (InputStream in = file.open()) {
            List<String> out = new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .split("\n", -1)));
            out.remove(out.size() - 1); // after the last line end: empty, or a line cut short
            return out;
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new StorageFailure(file, "close", e);
        }
    }
}
