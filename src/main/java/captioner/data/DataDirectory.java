package captioner.data;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The folder that holds a cs231n dataset. A plain path or a {@code file:} URI is a {@link LocalDataDirectory}
 * and its files are read in place; any other scheme ({@code hdfs:}, {@code s3a:}, ...) is a
 * {@link HadoopDataDirectory} read through the user's Hadoop {@link Configuration}. jhdf can only read a local
 * file or bytes in memory, so {@link #localFile} copies a remote HDF5 file to a local temporary file.
 */
interface DataDirectory {

    /** The directory as the user should see it in messages. */
    String describe();

    /** The full path or URI of {@code fileName} in this directory, for messages. */
    String describe(String fileName);

    boolean exists(String fileName);

    /** Opens {@code fileName} for streaming; a missing file is a {@link BadInputException}. */
    InputStream open(String fileName) throws IOException;

    /**
     * A local file with the content of {@code fileName}: the file itself for a local directory, a temporary copy
     * (deleted by {@link LocalFile#close()}) for any other file system. A missing file is a
     * {@link BadInputException}.
     */
    LocalFile localFile(String fileName);

    /**
     * @param dirOrUri a local path, a {@code file:} URI, or any URI whose scheme Hadoop can open with {@code conf}
     * @param conf     the Hadoop configuration for non-local URIs; {@code null} means a default one
     */
    static DataDirectory open(String dirOrUri, Configuration conf) {
        if (dirOrUri == null || dirOrUri.isBlank()) {
            throw new BadInputException("no dataset directory given; expected a local path or a URI such as "
                    + "hdfs://namenode:8020/data/coco");
        }
        URI uri = asUri(dirOrUri);
        if (uri == null) {
            return new LocalDataDirectory(localPath(dirOrUri));
        }
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            try {
                return new LocalDataDirectory(Paths.get(uri));
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                throw new BadInputException(dirOrUri + ": not a usable file: URI (" + e.getMessage()
                        + "); expected file:///absolute/path", e);
            }
        }
        return new HadoopDataDirectory(uri, dirOrUri, conf == null ? new Configuration() : conf);
    }

    /** The URI with a scheme, or null when {@code text} is a plain path (including Windows "C:\..."). */
    static URI asUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            // A single letter is a Windows drive, not a scheme.
            return scheme == null || scheme.length() == 1 ? null : uri;
        } catch (URISyntaxException e) {
            // Spaces and other characters URIs forbid are fine in plain paths.
            return null;
        }
    }

    private static Path localPath(String text) {
        try {
            return Paths.get(text);
        } catch (InvalidPathException e) {
            throw new BadInputException(text + ": not a valid path (" + e.getMessage() + ")", e);
        }
    }
}
