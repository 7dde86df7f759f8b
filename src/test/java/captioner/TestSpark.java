package captioner;

import captioner.cli.SparkSessions;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession the tests share: local[2], UI off (see {@link SparkSessions}). Created by the first test class
 * that needs it and left running for the rest of the test JVM (Spark stops it at exit), so the suite pays for
 * Spark's start-up once.
 */
public final class TestSpark {
    private TestSpark() {
    }

    public static SparkSession session() {
        return SparkSessions.local("local[2]", "captioner tests");
    }
}
