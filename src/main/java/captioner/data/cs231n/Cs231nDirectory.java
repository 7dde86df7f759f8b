package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.io.LocalCopy;
import captioner.io.LocalFile;
import captioner.io.Location;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

import java.io.InputStream;

/**
 * The folder that holds a cs231n dataset, at any {@link Location}, with messages that say what a cs231n directory
 * should hold. jhdf reads only local files, so {@link #localFile} gives a remote HDF5 file as a temporary copy.
 */
final class Cs231nDirectory {
    private final Location dir;

    private Cs231nDirectory(Location dir) {
        this.dir = dir;
    }

    /**
     * @param dirOrUri a local path or any URI whose scheme Hadoop can open with {@code conf}
     * @param conf     the Hadoop configuration for URIs; {@code null} means a default one
     */
    static Cs231nDirectory open(String dirOrUri, Configuration conf) {
        if (dirOrUri == null || dirOrUri.isBlank()) {
            throw new BadInputException("no dataset directory given; expected a local path or a URI such as "
                    + "hdfs://namenode:8020/data/coco");
        }
        Location dir = Location.of(dirOrUri, conf == null ? new Configuration() : conf);
        FileStatus status = dir.statusOrNull();
        if (status == null) {
            throw new BadInputException(dir + ": no such directory; expected a folder holding the cs231n COCO files ("
                    + Cs231nLayout.CAPTIONS_FILE + ", " + Cs231nLayout.VOCAB_FILE + ", the features files)");
        }
        if (!status.isDirectory()) {
            throw new BadInputException(dir + ": is a file, not a directory; expected the folder holding "
                    + Cs231nLayout.CAPTIONS_FILE + " and the other cs231n COCO files");
        }
        return new Cs231nDirectory(dir);
    }

    /** The directory as messages name it. */
    String describe() {
        return dir.toString();
    }

    /** {@code fileName} in this directory as messages name it. */
    String describe(String fileName) {
        return dir.child(fileName).toString();
    }

    boolean exists(String fileName) {
        return dir.child(fileName).exists();
    }

    /** Opens {@code fileName} for streaming; a missing file is a {@link BadInputException}. */
    InputStream open(String fileName) {
        return required(fileName).open();
    }

    /** {@code fileName} as a local file (a temporary copy for remote directories); close it when done. */
    LocalFile localFile(String fileName) {
        return LocalCopy.open(required(fileName));
    }

    private Location required(String fileName) {
        Location file = dir.child(fileName);
        if (!file.isFile()) {
            throw new BadInputException(file + ": no such file; expected it in the cs231n COCO directory " + dir);
        }
        return file;
    }
}
