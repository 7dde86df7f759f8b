package captioner.data;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A dataset folder on any Hadoop file system ({@code hdfs:}, {@code s3a:}, ...). JSON and text files are streamed;
 * HDF5 files are copied to a local temporary file (java.io.tmpdir) because jhdf needs random access to a local
 * file, and the copy is deleted when the caller closes it. The {@link FileSystem} comes from Hadoop's cache and is
 * left open: it may be shared with Spark.
 */
final class HadoopDataDirectory implements DataDirectory {
    private final String shown;
    private final FileSystem fs;
    private final org.apache.hadoop.fs.Path dir;

    HadoopDataDirectory(URI uri, String shown, Configuration conf) {
        this.shown = shown;
        try {
            this.fs = FileSystem.get(uri, conf);
        } catch (IOException | RuntimeException e) {
            // Unknown scheme (UnsupportedFileSystemException), unknown host (IllegalArgumentException wrapping
            // UnknownHostException), bad credentials...: all things the user fixes in the URI or configuration.
            throw new BadInputException(shown + ": cannot open this URI's file system (" + e + "); expected a local "
                    + "path, a file: URI, or a URI whose scheme the Hadoop configuration can open (hdfs:, s3a:, ...)",
                    e);
        }
        this.dir = new org.apache.hadoop.fs.Path(uri);
        FileStatus status;
        try {
            status = fs.getFileStatus(dir);
        } catch (FileNotFoundException e) {
            throw new BadInputException(shown + ": no such directory; expected a folder holding the cs231n COCO files ("
                    + Cs231nLayout.CAPTIONS_FILE + ", " + Cs231nLayout.VOCAB_FILE + ", the features files)", e);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(shown + ": cannot read this directory (" + e + ")", e);
        }
        if (!status.isDirectory()) {
            throw new BadInputException(shown + ": is a file, not a directory; expected the folder holding "
                    + Cs231nLayout.CAPTIONS_FILE + " and the other cs231n COCO files");
        }
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public String describe(String fileName) {
        return new org.apache.hadoop.fs.Path(dir, fileName).toString();
    }

    @Override
    public boolean exists(String fileName) {
        try {
            return fs.exists(new org.apache.hadoop.fs.Path(dir, fileName));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(describe(fileName) + ": cannot check whether this file exists (" + e + ")", e);
        }
    }

    @Override
    public InputStream open(String fileName) throws IOException {
        try {
            return fs.open(new org.apache.hadoop.fs.Path(dir, fileName));
        } catch (FileNotFoundException e) {
            throw missing(fileName, e);
        }
    }

    @Override
    public LocalFile localFile(String fileName) {
        Path tmp = null;
        try (InputStream in = open(fileName)) {
            tmp = Files.createTempFile("captioner-", "-" + fileName);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return new LocalFile(tmp, describe(fileName), true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(describe(fileName) + ": cannot copy it to a local temporary file for reading ("
                    + e + "); expected a readable file and room in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                p.toFile().deleteOnExit();
            }
        }
    }

    private BadInputException missing(String fileName, Exception cause) {
        return new BadInputException(describe(fileName) + ": no such file; expected it in the cs231n COCO directory "
                + shown, cause);
    }
}
