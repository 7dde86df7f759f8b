package captioner.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node HDFS on 127.0.0.1: Hadoop's own NameNode and DataNode ({@code hadoop-hdfs} from Maven
 * Central), each in a process of its own whose class path Maven resolved into {@code target/hdfs-classpath.txt}
 * (unshaded Hadoop, which would clash with the shaded client on the tests' class path). Tests talk to it through our
 * own client, as a user's run would. The DataNode can be killed ({@link #stopDataNode}) and started again on the same
 * storage ({@link #startDataNode}), the way a DataNode crashes and comes back.
 */
public final class HdfsCluster implements AutoCloseable {
    /** Where Maven writes the NameNode's and DataNode's class path (the antrun execution "hdfs-classpath"). */
    static final java.nio.file.Path CLASSPATH = java.nio.file.Path.of("target", "hdfs-classpath.txt");
    private static final long START_SECONDS = 240;

    private final java.nio.file.Path dir;
    private final String uri;
    private final String classpath;
    private Process nameNode;
    private Process dataNode;
    private int dataNodeStarts;

    private HdfsCluster(java.nio.file.Path dir, String uri, String classpath) {
        this.dir = dir;
        this.uri = uri;
        this.classpath = classpath;
    }

    /** Formats a new file system under {@code dir}, starts both daemons and waits until a file can be written. */
    public static HdfsCluster start(java.nio.file.Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(CLASSPATH)) {
            throw new IllegalStateException(CLASSPATH + " is missing: run the tests through Maven (its "
                    + "generate-test-resources phase writes it)");
        }
        int port = freePort();
        java.nio.file.Path conf = dir.resolve("conf");
        // The daemons' web servers look for their (here empty) web apps on the class path; the jar has none.
        for (String app : List.of("hdfs", "datanode", "static")) {
            Files.createDirectories(conf.resolve("webapps").resolve(app));
        }
        Files.writeString(conf.resolve("core-site.xml"), site(Map.of(
                "fs.defaultFS", "hdfs://127.0.0.1:" + port,
                "hadoop.tmp.dir", dir.resolve("data").toAbsolutePath().toString())));
        Files.writeString(conf.resolve("hdfs-site.xml"), site(Map.ofEntries(
                Map.entry("dfs.replication", "1"),
                Map.entry("dfs.permissions.enabled", "false"),
                Map.entry("dfs.namenode.rpc-bind-host", "127.0.0.1"),
                Map.entry("dfs.namenode.http-address", "127.0.0.1:0"),
                Map.entry("dfs.datanode.address", "127.0.0.1:0"),
                Map.entry("dfs.datanode.http.address", "127.0.0.1:0"),
                Map.entry("dfs.datanode.ipc.address", "127.0.0.1:0"),
                // Heartbeats every second: a (re)started DataNode is registered, and a lease recovered, in seconds.
                Map.entry("dfs.heartbeat.interval", "1"),
                Map.entry("dfs.namenode.safemode.extension", "0"))));
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "log4j.rootLogger=INFO,out",
                "log4j.appender.out=org.apache.log4j.ConsoleAppender",
                "log4j.appender.out.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.out.layout.ConversionPattern=%d{HH:mm:ss,SSS} %p %c{1}: %m%n", ""));
        String classpath = conf.toAbsolutePath() + java.io.File.pathSeparator + Files.readString(CLASSPATH).trim();
        HdfsCluster cluster = new HdfsCluster(dir, "hdfs://127.0.0.1:" + port, classpath);
        try {
            Process format = cluster.daemon("format", "org.apache.hadoop.hdfs.server.namenode.NameNode", "-format",
                    "-force", "-nonInteractive");
            if (!format.waitFor(START_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting the NameNode failed; see " + dir.resolve("format.log"));
            }
            cluster.nameNode = cluster.daemon("namenode", "org.apache.hadoop.hdfs.server.namenode.NameNode");
            cluster.startDataNode();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The file system's root, {@code hdfs://127.0.0.1:PORT}. */
    public String uri() {
        return uri;
    }

    /** {@code hdfs://127.0.0.1:PORT/path}. */
    public String uri(String path) {
        return uri + (path.startsWith("/") ? path : "/" + path);
    }

    /** A client configuration like a user's of this cluster: Hadoop's defaults, files with one replica. */
    public Configuration clientConf() {
        Configuration conf = new Configuration();
        conf.setInt("dfs.replication", 1);
        return conf;
    }

    /** Kills the DataNode (SIGKILL): its blocks become unreachable until {@link #startDataNode}. */
    public void stopDataNode() throws InterruptedException {
        if (dataNode != null) {
            dataNode.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            dataNode = null;
        }
    }

    /** Starts the DataNode on its storage and waits until a file can be written (it is registered). */
    public void startDataNode() throws IOException, InterruptedException {
        dataNodeStarts++;
        dataNode = daemon("datanode-" + dataNodeStarts, "org.apache.hadoop.hdfs.server.datanode.DataNode");
        awaitWritable();
    }

    /**
     * Writes and deletes a small file until that works (the NameNode is up and has a live DataNode) and a file
     * written earlier reads back.
     */
    private void awaitWritable() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        Configuration conf = clientConf();
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        Exception last = null;
        // A file system instance of its own, not the cache shared with the code under test.
        try (FileSystem fs = FileSystem.newInstance(URI.create(uri), conf)) {
            for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
                if (!nameNode.isAlive() || !dataNode.isAlive()) {
                    throw new IllegalStateException("an HDFS daemon ended; see the logs in " + dir);
                }
                Path probe = new Path(uri("/.probe-" + dataNodeStarts + "-" + attempt));
                try {
                    FSDataOutputStream out = fs.create(probe, true);
                    try {
                        out.write(1);
                        out.hsync();
                    } finally {
                        closeQuietly(out);
                    }
                    fs.delete(probe, false);
                    if (canaryReads(fs)) {
                        return;
                    }
                    fs.delete(probe, false);
                } catch (IOException e) {
                    last = e; // not up yet (the NameNode refuses, or has no live DataNode)
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("HDFS at " + uri + " took more than " + START_SECONDS + " s to accept a "
                + "file (" + last + "); see the logs in " + dir);
    }

    /**
     * Whether a file written before the DataNode (re)started reads back, i.e. its block report has reached the
     * NameNode and old blocks have locations again; the first start writes that file.
     */
    private boolean canaryReads(FileSystem fs) throws IOException {
        Path canary = new Path(uri("/.canary"));
        if (dataNodeStarts == 1) {
            try (FSDataOutputStream out = fs.create(canary, true)) {
                out.write(7);
            }
        }
        try (java.io.InputStream in = fs.open(canary)) {
            return in.read() == 7;
        }
    }

    private static void closeQuietly(FSDataOutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // The write failed already; that failure is the one reported.
        }
    }

    private Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: the daemons hold a few files, and share two cores with the tests.
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static String site(Map<String, String> properties) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        properties.forEach((k, v) -> xml.append("  <property><name>").append(k).append("</name><value>").append(v)
                .append("</value></property>\n"));
        return xml.append("</configuration>\n").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops both daemons. */
    @Override
    public void close() {
        try {
            stopDataNode();
            if (nameNode != null) {
                nameNode.destroy();
                if (!nameNode.waitFor(20, TimeUnit.SECONDS)) {
                    nameNode.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                }
                nameNode = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
