package captioner.data.table;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import org.apache.hadoop.fs.FileStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * How a table is put in place so that no reader ever sees a partial table where a complete one was: it is written
 * into a hidden sibling folder {@code .NAME.tmp-UUID} on the same file system ({@link #temporaryFolder}), which is
 * renamed to TABLE at the end. An existing TABLE is refused unless {@code overwrite}; then the old table is renamed
 * aside ({@code .NAME.old-UUID}), the new one renamed in, and the old one deleted. Only a caption table (or an empty
 * folder) is ever replaced. A crash between the two renames leaves no TABLE but the complete old table under
 * {@code .NAME.old-UUID}.
 */
public final class TableCommit {
    private TableCommit() {
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

    /** The hidden folder beside {@code out} that a new table is written into. */
    public static Location temporaryFolder(Location out) {
        return AtomicWrites.temporarySibling(out);
    }

    /** Renames {@code tmp} to {@code out}, swapping out an existing table when {@code overwrite}. */
    public static void commit(Location out, Location tmp, boolean overwrite) {
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
