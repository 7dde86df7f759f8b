package captioner.io;

import captioner.BadInputException;
import org.apache.hadoop.fs.FSDataOutputStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A log of whole lines that others may read while it grows (a scheduler tailing a metrics file). Opening replaces
 * the file atomically ({@link AtomicWrites}) with the lines to keep, so a kill while opening never loses them;
 * then each appended line is flushed whole, so a reader sees complete lines only. A file system without append
 * (object stores) gets the kept lines written again into a new file, visible when it is closed.
 */
public final class LineLog implements Closeable {
    private final Location file;
    private final OutputStream out;

    private LineLog(Location file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Replaces {@code file} with {@code kept} (each without its line end) and opens it for appending. */
    public static LineLog open(Location file, List<String> kept) {
        StringBuilder text = new StringBuilder();
        for (String line : kept) {
            text.append(line).append('\n');
        }
        AtomicWrites.writeText(file, text.toString());
        try {
            if (file.isLocal()) {
                return new LineLog(file, Files.newOutputStream(file.localFile(), StandardOpenOption.APPEND));
            }
            FSDataOutputStream out;
            try {
                out = file.fs().append(file.path());
            } catch (UnsupportedOperationException e) {
                out = file.fs().create(file.path(), true);
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
            return new LineLog(file, out);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot open it for appending (" + e + ")", e);
        }
    }

    /** Appends {@code line} and a line end, and makes them visible to readers. */
    public void append(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (out instanceof FSDataOutputStream hadoop) {
                hadoop.hflush();
            } else {
                out.flush();
            }
        } catch (IOException e) {
            throw new StorageFailure(file, "append to", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close it (" + e.getMessage() + ")", e);
        }
    }
}
