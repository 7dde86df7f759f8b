package captioner.eval;

import captioner.BadInputException;
import captioner.data.AtomicWrites;
import captioner.data.HadoopLocation;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A text file the user named with a flag (a local path or any Hadoop URI), written whole through
 * {@link AtomicWrites}: a reader sees the old file or the complete new one, never a part.
 */
public final class OutputFile {
    private final String flag;
    private final HadoopLocation location;

    private OutputFile(String flag, HadoopLocation location) {
        this.flag = flag;
        this.location = location;
    }

    /**
     * Checks, before any work, that {@code pathOrUri} can be written: it is not a directory.
     *
     * @param flag names the file in messages, e.g. "--out"
     */
    public static OutputFile of(String flag, String pathOrUri, Configuration conf) {
        HadoopLocation loc = HadoopLocation.of(pathOrUri, conf);
        FileStatus status = loc.statusOrNull();
        if (status != null && status.isDirectory()) {
            throw new BadInputException(flag + " " + pathOrUri + ": is a directory; expected a file name to write");
        }
        return new OutputFile(flag, loc);
    }

    /** The path as the user gave it. */
    public String shown() {
        return location.shown();
    }

    /** Writes {@code text} (UTF-8), creating missing parent folders and replacing any old file. */
    public void write(String text, Configuration conf) {
        FileSystem fs = location.fs();
        Path target = location.path();
        try {
            // Hadoop's local file system would leave a .crc file beside the output; people and browsers read these.
            fs.setWriteChecksum(false);
            if (target.getParent() != null) {
                fs.mkdirs(target.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(flag + " " + shown() + ": cannot create its folder (" + e.getMessage() + ")",
                    e);
        }
        AtomicWrites.putText(text, target, conf);
    }
}
