package captioner.data;

import org.apache.hadoop.conf.Configuration;

import java.util.function.Function;

/**
 * Reads one file given as a local path or any Hadoop URI through a local path, for libraries that
 * need random access to a local file (jhdf): local files are read in place, remote ones through a
 * temporary copy that is deleted afterwards.
 */
public final class LocalCopy {
    private LocalCopy() {
    }

    public static <T> T read(String pathOrUri, Configuration conf, Function<java.nio.file.Path, T> reader) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(pathOrUri);
        org.apache.hadoop.fs.Path parent = p.getParent();
        String dir = parent == null ? "." : (p.toUri().getScheme() == null ? parent.toUri().getPath() : parent.toString());
        try (LocalFile local = DataDirectory.open(dir, conf).localFile(p.getName())) {
            return reader.apply(local.path());
        }
    }
}
