package captioner.eval;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import org.apache.hadoop.conf.Configuration;

/**
 * A text file the user named with a flag (a local path or any Hadoop URI), written whole through
 * {@link AtomicWrites}: a reader sees the old file or the complete new one, never a part.
 */
public final class OutputFile {
    private final Location location;

    private OutputFile(Location location) {
        this.location = location;
    }

    /**
     * Checks, before any work, that {@code pathOrUri} can be written: it is not a directory.
     *
     * @param flag names the file in messages, e.g. "--out"
     */
    public static OutputFile of(String flag, String pathOrUri, Configuration conf) {
        Location loc = Location.of(pathOrUri, conf);
        if (loc.isDirectory()) {
            throw new BadInputException(flag + " " + pathOrUri + ": is a directory; expected a file name to write");
        }
        return new OutputFile(loc);
    }

    /** Where the file is, as messages name it. */
    public String shown() {
        return location.toString();
    }

    /** Writes {@code text} (UTF-8), creating missing parent folders and replacing any old file. */
    public void write(String text) {
        AtomicWrites.writeText(location, text);
    }
}
