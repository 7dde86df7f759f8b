package captioner.data;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;

/**
 * A file or folder on some Hadoop {@link FileSystem}, with the text the user gave for messages. A plain path (no
 * scheme, or a one-letter Windows drive) is a local path, as in {@link DataDirectory}: it is made absolute against
 * the working directory and read through Hadoop's local file system. Anything with a scheme ({@code file:},
 * {@code hdfs:}, {@code s3a:}, ...) goes to the file system Hadoop's configuration maps that scheme to.
 */
public final class HadoopLocation {
    private final FileSystem fs;
    private final Path path;
    private final String shown;

    private HadoopLocation(FileSystem fs, Path path, String shown) {
        this.fs = fs;
        this.path = path;
        this.shown = shown;
    }

    /** @throws BadInputException when the text is empty or no file system can be opened for it */
    public static HadoopLocation of(String pathOrUri, Configuration conf) {
        if (pathOrUri == null || pathOrUri.isBlank()) {
            throw new BadInputException("no path given; expected a local path or a URI such as "
                    + "hdfs://namenode:8020/data/coco-table");
        }
        URI uri = DataDirectory.asUri(pathOrUri);
        // Not File.toURI(): it ends a directory's URI with a slash, and Hadoop then takes the last name as "".
        Path p = uri == null ? new Path("file", null, new File(pathOrUri).getAbsoluteFile().toPath().normalize()
                .toString()) : new Path(uri);
        FileSystem fs;
        try {
            fs = p.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(pathOrUri + ": cannot open this URI's file system (" + e + "); expected a local "
                    + "path, a file: URI, or a URI whose scheme the Hadoop configuration can open (hdfs:, s3a:, ...)",
                    e);
        }
        return new HadoopLocation(fs, fs.makeQualified(p), pathOrUri);
    }

    public FileSystem fs() {
        return fs;
    }

    /** The fully qualified path, e.g. {@code file:/home/me/table} or {@code hdfs://nn:8020/t}. */
    public Path path() {
        return path;
    }

    /** The location as the user wrote it. */
    public String shown() {
        return shown;
    }

    /** A child as the user would recognise it: the given text plus "/name". */
    String shown(String child) {
        return shown.endsWith("/") ? shown + child : shown + "/" + child;
    }

    Path child(String name) {
        return new Path(path, name);
    }

    /** The status, or null when nothing is there. */
    public FileStatus statusOrNull() {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(shown + ": cannot check this path (" + e + ")", e);
        }
    }

    boolean hasChild(String name) {
        try {
            return fs.exists(child(name));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(shown(name) + ": cannot check whether it exists (" + e + ")", e);
        }
    }
}
