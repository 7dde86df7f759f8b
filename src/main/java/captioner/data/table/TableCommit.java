package captioner.data.table;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import org.apache.hadoop.fs.FileStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * How a table is put in place so that no reader ever sees a partial table where a complete one was: it is written
 * into a hidden sibling folder {@code .NAME.tmp-UUID} on the same file system
 * ({@link AtomicWrites#temporarySibling}), {@value TableSchema#METADATA_FILE} last, and the folder is renamed to
 * TABLE at the end. An existing TABLE is refused unless {@code overwrite}; then the old table is renamed aside
 * ({@code .NAME.old-UUID}), the new one renamed in, and the old one deleted. Only a table (a folder with
 * {@value TableSchema#METADATA_FILE}) or an empty folder is ever replaced. A crash between the two renames leaves no
 * TABLE but the complete old table under {@code .NAME.old-UUID}. {@link #write} is the whole protocol; the caption
 * and the sentence table writers both go through it.
 */
public final class TableCommit {
    private TableCommit() {
    }

    /** A table's metadata as its {@value TableSchema#METADATA_FILE} holds it. */
    public interface Metadata {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a table's files (the splits, any others) into the temporary folder and returns its metadata. */
    @FunctionalInterface
    public interface Contents<M extends Metadata> {
        M writeInto(Location tmp) throws IOException;
    }

    /** A committed table: its metadata, its size on the file system and the seconds it took. */
    public record Written<M>(M metadata, long bytes, double seconds) {
    }

    /**
     * Writes a table to {@code out}: {@code contents} into the temporary folder, then
     * {@value TableSchema#METADATA_FILE} (through {@link AtomicWrites}), then {@link #commit}. On any failure the
     * temporary folder is deleted, so nothing half-written is left.
     *
     * @param steps told "metadata" once table.json is written and "commit" just before the rename (a test fails
     *              the write there to check that nothing partial is left)
     * @throws BadInputException when {@code out} exists and may not be replaced ({@link #checkTarget})
     */
    public static <M extends Metadata> Written<M> write(Location out, boolean overwrite, Contents<M> contents,
                                                        Consumer<String> steps) {
        long start = System.nanoTime();
        checkTarget(out, overwrite);
        Location tmp = AtomicWrites.temporarySibling(out);
        boolean committed = false;
        try {
            tmp.mkdirs();
            M meta = contents.writeInto(tmp);
            AtomicWrites.write(tmp.child(TableSchema.METADATA_FILE), file -> {
                try (OutputStream o = Files.newOutputStream(file)) {
                    meta.write(o);
                }
            });
            steps.accept("metadata");
            steps.accept("commit");
            commit(out, tmp, overwrite);
            committed = true;
            long bytes = out.fs().getContentSummary(out.path()).getLength();
            return new Written<>(meta, bytes, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write the table (" + e.getMessage() + ")", e);
        } finally {
            if (!committed) {
                tmp.delete();
            }
        }
    }

    /**
     * Refuses an existing {@code out} unless {@code overwrite}, and refuses to replace anything that is not a
     * caption table or an empty folder. Commands call this before starting Spark or reading any data.
     */
    public static void checkTarget(Location out, boolean overwrite) {
        FileStatus status = out.statusOrNull();
        if (status == null) {
            return;
        }
        if (!overwrite) {
            throw new BadInputException(out + ": already exists; expected a new path for the table, or "
                    + "--overwrite to replace the table there");
        }
        boolean empty = status.isDirectory() && out.list().isEmpty();
        if (!empty && (status.isFile() || !out.child(TableSchema.METADATA_FILE).exists())) {
            throw new BadInputException(out + ": exists and is not a caption table (no " + TableSchema.METADATA_FILE
                    + "); --overwrite only replaces a caption table or an empty folder: remove it yourself or "
                    + "choose another path");
        }
    }

    /** Renames {@code tmp} to {@code out}, swapping out an existing table when {@code overwrite}. */
    private static void commit(Location out, Location tmp, boolean overwrite) {
        if (!out.exists()) {
            rename(tmp, out, "");
            return;
        }
        checkTarget(out, overwrite);
        Location aside = out.sibling("." + out.name() + ".old-" + UUID.randomUUID());
        rename(out, aside, "; the previous table is still in place");
        try {
            rename(tmp, out, "");
        } catch (UncheckedIOException e) {
            boolean restored = tryRename(aside, out);
            throw new UncheckedIOException(e.getMessage() + (restored ? "; the previous table was put back"
                    : "; the previous table is at " + aside), e.getCause());
        }
        if (!aside.delete()) {
            throw new UncheckedIOException(new IOException("the new table is in place but the old one could not be "
                    + "deleted: " + aside));
        }
    }

    private static void rename(Location from, Location to, String note) {
        if (!tryRename(from, to)) {
            throw new UncheckedIOException(new IOException("cannot rename " + from + " to " + to + note));
        }
    }

    private static boolean tryRename(Location from, Location to) {
        try {
            return from.fs().rename(from.path(), to.path());
        } catch (IOException e) {
            return false;
        }
    }
}
