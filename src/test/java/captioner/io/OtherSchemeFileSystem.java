package captioner.io;

import org.apache.hadoop.fs.RawLocalFileSystem;

import java.net.URI;

/**
 * The local disk under the scheme {@code otherfs:}, so that tests can read a directory through a non-local Hadoop
 * file system, exercising the copy-to-a-temporary-file path, without any server. Registered with
 * {@code fs.otherfs.impl}.
 */
public class OtherSchemeFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "otherfs";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    public static org.apache.hadoop.conf.Configuration configuration() {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.set("fs." + SCHEME + ".impl", OtherSchemeFileSystem.class.getName());
        return conf;
    }
}
