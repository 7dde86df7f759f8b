package captioner.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * What reaches the console besides the commands' own lines. Spark, Hadoop and jhdf log through log4j 2; netlib
 * logs through java.util.logging (which Spark forwards to log4j once it starts). Without {@code --verbose} only
 * their errors show, and the one warning a user must act on; with it, everything at INFO.
 *
 * <p>Set here rather than only in {@code conf/log4j2.properties} because a driver started by a Spark installation's
 * spark-submit has that installation's configuration (Spark's own default is INFO for everything).
 */
final class ConsoleLogs {
    /**
     * Warns "Initial job has not accepted any resources" while a cluster gives the job no executors: without it a
     * run that waits for resources would look hung.
     */
    static final String SCHEDULER = "org.apache.spark.scheduler.TaskSchedulerImpl";

    private ConsoleLogs() {
    }

    static void apply(boolean verbose) {
        if (verbose) {
            // Every logger, including those a configuration file turned down (jhdf, Hadoop's native-code notice).
            Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.INFO);
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        } else {
            Configurator.setRootLevel(Level.ERROR);
            Configurator.setLevel(SCHEDULER, Level.WARN);
            // The root logger is the one java.util.logging keeps strongly, so its level cannot be collected away.
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        }
    }
}
