package captioner.io;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A file or folder, found by the one rule every command follows: <b>a plain path is always local</b> (made absolute
 * against the working directory, whatever {@code fs.defaultFS} says), and a URI ({@code file:}, {@code hdfs:},
 * {@code s3a:}, ...) names its file system, opened with the given Hadoop configuration.
 *
 * <p>How messages name it ({@link #toString}): a location the user gave, as they wrote it (a plain path can only
 * mean the local file); an entry inside a plain path as that path plus "/name"; an entry inside a URI by its fully
 * qualified URI ({@code hdfs://nn:8020/runs/x/model.h5}), so a message always says where a thing really is.
 *
 * <p>Local locations are read and written through Hadoop's raw local file system (no {@code .crc} files beside
 * outputs that people, browsers and h5py read) and, for atomic writes, through {@link java.nio.file}.
 */
public final class Location {
    private final FileSystem fs;
    private final Path path;
    private final String shown;
    private final Configuration conf;

    private Location(FileSystem fs, Path path, String shown, Configuration conf) {
        this.fs = fs;
        this.path = path;
        this.shown = shown;
        this.conf = conf;
    }

    /**
     * @param pathOrUri a plain (local) path or a URI
     * @throws BadInputException when the text is empty, not a valid path, or no file system opens for its URI
     */
    public static Location of(String pathOrUri, Configuration conf) {
        if (pathOrUri == null || pathOrUri.isBlank()) {
            throw new BadInputException("no path given; expected a local path or a URI such as "
                    + "hdfs://namenode:8020/data/coco");
        }
        URI uri = uriOrNull(pathOrUri);
        if (uri == null) {
            java.nio.file.Path local;
            try {
                local = Paths.get(pathOrUri);
            } catch (InvalidPathException e) {
                throw new BadInputException(pathOrUri + ": not a valid path (" + e.getMessage() + ")", e);
            }
            return new Location(localFileSystem(conf), localPath(local), pathOrUri, conf);
        }
        Path p = new Path(uri);
        FileSystem fs;
        try {
            fs = "file".equalsIgnoreCase(uri.getScheme()) ? localFileSystem(conf) : p.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            // Unknown scheme, unknown host, bad credentials...: all things the user fixes in the URI or configuration.
            throw new BadInputException(pathOrUri + ": cannot open this URI's file system (" + e + "); expected a "
                    + "local path, a file: URI, or a URI whose scheme the Hadoop configuration can open (hdfs:, s3a:, "
                    + "...)", e);
        }
        return new Location(fs, fs.makeQualified(p), pathOrUri, conf);
    }

    /** A local file or folder, shown as {@code local} prints. */
    public static Location local(java.nio.file.Path local) {
        Configuration conf = new Configuration(false);
        return new Location(localFileSystem(conf), localPath(local), local.toString(), conf);
    }

    /** The URI with a scheme, or null when {@code text} is a plain path (including Windows "C:\..."). */
    private static URI uriOrNull(String text) {
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

    private static Path localPath(java.nio.file.Path local) {
        // Not File.toURI(): it ends a directory's URI with a slash, and Hadoop then takes the last name as "".
        return new Path("file", null, local.toAbsolutePath().normalize().toString());
    }

    private static FileSystem localFileSystem(Configuration conf) {
        try {
            return FileSystem.getLocal(conf).getRaw();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the local file system: " + e.getMessage(), e);
        }
    }

    /** The file system; shared through Hadoop's cache (possibly with Spark), so never closed here. */
    public FileSystem fs() {
        return fs;
    }

    /** The fully qualified path, e.g. {@code file:/home/me/runs/x} or {@code hdfs://nn:8020/runs/x}. */
    public Path path() {
        return path;
    }

    /** The fully qualified path as text, for Spark's readers and writers. */
    public String uri() {
        return path.toString();
    }

    /** The Hadoop configuration this location was opened with. */
    public Configuration conf() {
        return conf;
    }

    public boolean isLocal() {
        return "file".equals(path.toUri().getScheme());
    }

    /** The local file; only for {@link #isLocal} locations. */
    public java.nio.file.Path localFile() {
        if (!isLocal()) {
            throw new IllegalStateException(this + " is not on the local file system");
        }
        return Paths.get(path.toUri());
    }

    /** The entry {@code name} inside this folder. */
    public Location child(String name) {
        Path child = new Path(path, name);
        String shownChild = uriOrNull(shown) != null ? child.toString() : shown.endsWith("/") ? shown + name
                : shown + "/" + name;
        return new Location(fs, child, shownChild, conf);
    }

    /** The entry {@code name} beside this one, in the same folder and file system. */
    public Location sibling(String name) {
        Path parent = path.getParent();
        if (parent == null) {
            throw new BadInputException(this + ": is a root folder; expected a file or folder inside one");
        }
        String shownSibling = uriOrNull(shown) == null ? Paths.get(shown).resolveSibling(name).toString()
                : new Path(parent, name).toString();
        return new Location(fs, new Path(parent, name), shownSibling, conf);
    }

    /** The last name of the path. */
    public String name() {
        return path.getName();
    }

    /** The status, or null when nothing is there. */
    public FileStatus statusOrNull() {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(this + ": cannot check this path (" + e + ")", e);
        }
    }

    public boolean exists() {
        return statusOrNull() != null;
    }

    public boolean isDirectory() {
        FileStatus s = statusOrNull();
        return s != null && s.isDirectory();
    }

    public boolean isFile() {
        FileStatus s = statusOrNull();
        return s != null && s.isFile();
    }

    /**
     * Refuses anything but an existing file, before it is {@code operation} (e.g. "read").
     *
     * @throws BadInputException "X: cannot read it: no such file" (or "is a directory")
     */
    public void requireFile(String operation) {
        FileStatus s = statusOrNull();
        if (s == null || !s.isFile()) {
            throw new BadInputException(this + ": cannot " + operation + " it: "
                    + (s == null ? "no such file" : "is a directory, not a file"));
        }
    }

    /** The entries of this folder (empty when it does not exist). */
    public List<Location> list() {
        List<Location> out = new ArrayList<>();
        try {
            if (!fs.exists(path)) {
                return out;
            }
            for (FileStatus s : fs.listStatus(path)) {
                out.add(child(s.getPath().getName()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(this + ": cannot list this folder (" + e + ")", e);
        }
    }

    /**
     * Opens the file for reading.
     *
     * @throws BadInputException "X: cannot read it: no such file"
     * @throws StorageFailure    "X: cannot read it: CAUSE" when the file system fails (a lost DataNode, a
     *                           permission)
     */
    public InputStream open() {
        try {
            return fs.open(path);
        } catch (FileNotFoundException e) {
            throw new BadInputException(this + ": cannot read it: no such file", e);
        } catch (IOException e) {
            throw new StorageFailure(this, "read", e);
        } catch (RuntimeException e) {
            if (StorageFailure.isIo(e)) {
                throw new StorageFailure(this, "read", e);
            }
            throw new BadInputException(this + ": cannot read it (" + e + ")", e);
        }
    }

    /** Creates this folder and its missing parents. */
    public void mkdirs() {
        try {
            if (!fs.mkdirs(path)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(this + ": cannot create this folder (" + e + ")", e);
        }
    }

    /** Deletes this file or folder (with everything in it); returns false when nothing was there. */
    public boolean delete() {
        try {
            return fs.delete(path, true);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(this + ": cannot delete it (" + e + ")", e);
        }
    }

    /** {@link #delete}, ignoring failures: for temporary files and housekeeping. */
    public void deleteQuietly() {
        try {
            fs.delete(path, true);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: a leftover hidden temporary file never shadows a real output.
        }
    }

    /** Where messages say this is: the plain path as given, or the fully qualified URI. */
    @Override
    public String toString() {
        return shown;
    }
}
