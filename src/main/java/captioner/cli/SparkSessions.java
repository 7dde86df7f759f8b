package captioner.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

import java.util.function.Function;

/**
 * The one place commands get their {@link SparkSession}. Local mode by default ({@code local[*]}), or whatever
 * {@code spark.master} spark-submit set; the web UI is off unless {@code -Dspark.ui.enabled=true} (several runs
 * share this machine, and tests must not bind ports); few shuffle partitions, since the data is small per core.
 * Any {@code spark.*} system property still overrides these defaults.
 */
public final class SparkSessions {
    public static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {
    }

    /**
     * The existing session if there is one (tests share one; its master and static settings then stay as they
     * are), otherwise a new one.
     *
     * @param master  e.g. {@code local[*]}, {@code local[2]}; null means {@code spark.master} if set, else
     *                {@link #DEFAULT_MASTER}
     * @param appName shown in logs and cluster UIs, e.g. "captioner prepare"
     */
    public static SparkSession local(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        String m = master != null ? master : System.getProperty("spark.master", DEFAULT_MASTER);
        b.master(m);
        setDefault(b, "spark.ui.enabled", "false");
        setDefault(b, "spark.ui.showConsoleProgress", "false");
        // Kryo moves the float arrays of shards, parameters and gradients several times faster than Java
        // serialization; compressing them gains nothing (they are noise-like floats) and costs time every iteration.
        setDefault(b, "spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        setDefault(b, "spark.kryo.unsafe", "true");
        setDefault(b, "spark.broadcast.compress", "false");
        // A task's result is its partition's whole gradient (4 bytes per parameter): send it with the task's status
        // instead of through the block manager, which Spark does above 1 MB by default and costs a store and a fetch.
        setDefault(b, "spark.task.maxDirectResultSize", "128m");
        setDefault(b, "spark.sql.shuffle.partitions", Integer.toString(
                Math.max(2, 2 * Runtime.getRuntime().availableProcessors())));
        if (m.startsWith("local")) {
            // Local mode needs no network name; this avoids waiting on a host name that does not resolve.
            setDefault(b, "spark.driver.host", "localhost");
            setDefault(b, "spark.driver.bindAddress", "127.0.0.1");
        }
        return b.getOrCreate();
    }

    /**
     * The Hadoop configuration every location is opened with, before Spark starts and while it runs, so that a check
     * made before the session exists finds what the run finds: the running session's configuration if there is
     * one, else the one a new session will get (Hadoop's defaults and site files plus every {@code spark.hadoop.*}
     * setting of Spark's configuration, from {@code -D} properties or spark-submit's {@code --conf}), built by
     * Spark's own rule.
     */
    public static Configuration hadoopConfiguration() {
        scala.Option<SparkSession> running = SparkSession.getActiveSession().isDefined()
                ? SparkSession.getActiveSession() : SparkSession.getDefaultSession();
        if (running.isDefined()) {
            return running.get().sparkContext().hadoopConfiguration();
        }
        return SparkHadoopUtil.get().newConfiguration(new SparkConf());
    }

    /** Runs {@code body} with a session and stops the session afterwards, unless it existed before. */
    public static <T> T with(String master, String appName, Function<SparkSession, T> body) {
        boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession spark = local(master, appName);
        try {
            return body.apply(spark);
        } finally {
            if (!existed) {
                spark.stop();
            }
        }
    }

    private static void setDefault(SparkSession.Builder b, String key, String value) {
        if (System.getProperty(key) == null) {
            b.config(key, value);
        }
    }
}
