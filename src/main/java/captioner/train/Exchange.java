package captioner.train;

import captioner.BadInputException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.List;

/**
 * How a run's parameters and gradients travel, chosen once before its first iteration, recorded in run.json
 * ({@link RunLayout.Environment#EXCHANGE}) and printed at the start of training. {@value #SETTING} is
 * {@value #AUTO} (the default), {@value #CHANNEL} or {@value #REDUCE_SCATTER}:
 * <ul>
 *   <li>{@value #AUTO}: the reduce-scatter wherever it can run — on a cluster (not local mode), without
 *       {@code spark.speculation} or Spark's authentication or encryption, with a task slot per partition within
 *       {@value #SLOTS_WAIT} — else the channel, saying why; local mode passes everything by reference.</li>
 *   <li>{@value #CHANNEL}: the driver's parameter channel ({@link ChannelRounds}), or where that cannot run the
 *       broadcast design ({@link BroadcastRounds}), as {@code spark.captioner.parameterChannel=false} asks.</li>
 *   <li>{@value #REDUCE_SCATTER}: {@link ShardedRounds}, or a refusal naming what stands in its way, made before
 *       anything of the run is written.</li>
 * </ul>
 * Every design gives the same bits; they differ in speed and in what they need of the cluster.
 */
enum Exchange {
    /** Local mode: tasks share the driver's JVM ({@link LocalRounds}). */
    LOCAL("local"),
    /** The driver's parameter channel ({@link ChannelRounds}). */
    CHANNEL("channel"),
    /** A broadcast and a reduction tree per iteration ({@link BroadcastRounds}). */
    BROADCAST("broadcast"),
    /** Executors reduce-scatter gradient slices and all-gather parameter slices ({@link ShardedRounds}). */
    REDUCE_SCATTER("reduce-scatter");

    /** Spark setting: how parameters and gradients travel. */
    static final String SETTING = "spark.captioner.exchange";
    /** The default: the reduce-scatter where it can run, else the channel. */
    static final String AUTO = "auto";
    static final String CHANNEL_VALUE = "channel";
    static final String REDUCE_SCATTER_VALUE = "reduce-scatter";
    /**
     * Spark setting: how long the reduce-scatter waits for the cluster to offer a task slot per partition (executors
     * still registering, or replacing a lost one) before the default takes the channel, or an explicit request is
     * refused (at the start) or fails (mid-run). A Spark time, e.g. 60s (the default) or 2min.
     */
    static final String SLOTS_WAIT = "spark.captioner.exchange.slotsWait";
    private static final String SLOTS_WAIT_DEFAULT = "60s";
    private static final List<String> SECURITY = List.of("spark.authenticate", "spark.network.crypto.enabled",
            "spark.ssl.enabled");

    private final String label;

    Exchange(String label) {
        this.label = label;
    }

    /** Its name in run.json and the logs. */
    String label() {
        return label;
    }

    /** The design a run uses and why (for run.json and the start-of-training line). */
    record Choice(Exchange exchange, String why) {
        /** E.g. "reduce-scatter (the default on a cluster with a task slot per partition)". */
        String describe() {
            return exchange.label + " (" + why + ")";
        }
    }

    /**
     * What the settings ask for, checked before the run's first Spark job: an unknown value, a bad
     * {@value #SLOTS_WAIT} or {@value PeerServer#PORT}, and an explicit reduce-scatter that the settings alone rule
     * out are refused here.
     *
     * @param asked      {@value #AUTO}, {@value #CHANNEL_VALUE} or {@value #REDUCE_SCATTER_VALUE}
     * @param obstacle   why the settings rule the reduce-scatter out for the default, or null
     * @param noChannel  why the channel cannot be used ({@link ChannelRounds#ENABLED} off, Spark security), or null
     * @param waitMillis the {@value #SLOTS_WAIT}
     */
    record Request(String asked, String obstacle, String noChannel, long waitMillis) {
        /**
         * Decides, waiting (bounded) for a task slot per partition when the reduce-scatter is asked for or may be
         * the default; says so when it waits.
         *
         * @param local    local mode's by-reference hand-off is on
         * @param oneLevel whether the partitions' gradients reach the driver in one level ({@link GradientSum#oneLevel})
         */
        Choice choose(SparkContext sc, int partitions, boolean local, boolean oneLevel, PrintStream log) {
            if (asked.equals(REDUCE_SCATTER_VALUE)) {
                int slots = awaitSlots(sc, partitions, waitMillis, log);
                if (slots < partitions) {
                    throw new BadInputException(tooFewSlots(slots, partitions, waitMillis) + "; give --partitions "
                            + slots + " or fewer, more executors or cores, or " + SETTING + "=" + CHANNEL_VALUE);
                }
                return new Choice(REDUCE_SCATTER, "asked for by " + SETTING);
            }
            String why = asked.equals(CHANNEL_VALUE) ? "asked for by " + SETTING + "=" + CHANNEL_VALUE : obstacle;
            if (why == null) {
                int slots = awaitSlots(sc, partitions, waitMillis, log);
                if (slots >= partitions) {
                    return new Choice(REDUCE_SCATTER, "the default on a cluster with a task slot per partition");
                }
                why = "the default reduce-scatter runs a task per partition at once, and the cluster offered "
                        + offered(slots, partitions, waitMillis);
            }
            if (local) {
                return new Choice(LOCAL, "local mode: the tasks share the driver's JVM");
            }
            if (noChannel == null && oneLevel) {
                return new Choice(CHANNEL, why);
            }
            String broadcast = noChannel != null ? noChannel
                    : "more partitions than the channel's one-level sum takes at this --tree-depth";
            return new Choice(BROADCAST, why.equals(broadcast) ? why : why + "; the channel cannot carry the run: "
                    + broadcast);
        }
    }

    /**
     * Reads and checks the settings ({@link Request}).
     *
     * @param byReference local mode's by-reference hand-off is on ({@link Trainer#LOCAL_EXCHANGE})
     */
    static Request request(SparkSession spark, boolean byReference) {
        String asked = spark.conf().get(SETTING, AUTO).trim();
        if (!List.of(AUTO, CHANNEL_VALUE, REDUCE_SCATTER_VALUE).contains(asked)) {
            throw new BadInputException(SETTING + " is '" + asked + "'; expected " + AUTO + " (the default: "
                    + REDUCE_SCATTER_VALUE + " where it can run), " + CHANNEL_VALUE + " or " + REDUCE_SCATTER_VALUE);
        }
        long waitMillis = waitMillis(spark.conf().get(SLOTS_WAIT, SLOTS_WAIT_DEFAULT));
        SparkConf conf = spark.sparkContext().conf();
        PeerServer.port(conf);
        if (asked.equals(REDUCE_SCATTER_VALUE)) {
            refuse(conf, byReference);
        }
        String security = SECURITY.stream().filter(s -> conf.getBoolean(s, false)).findFirst().orElse(null);
        String noChannel = !Boolean.parseBoolean(spark.conf().get(ChannelRounds.ENABLED, "true"))
                ? "asked for by " + ChannelRounds.ENABLED + "=false"
                : security != null ? security + "=true: the channel has neither authentication nor encryption" : null;
        return new Request(asked, obstacle(conf, spark.sparkContext().isLocal(), byReference, noChannel, security),
                noChannel, waitMillis);
    }

    /** Why the settings rule out the default's reduce-scatter, or null. */
    static String obstacle(SparkConf conf, boolean localMode, boolean byReference, String noChannel,
                           String security) {
        if (localMode) {
            return byReference ? "local mode: the tasks share the driver's JVM" : "local mode ("
                    + Trainer.LOCAL_EXCHANGE + "=false): the default reduce-scatter is for clusters";
        }
        if (security != null) {
            return security + "=true: the reduce-scatter's executor-to-executor streams are neither authenticated "
                    + "nor encrypted";
        }
        if (noChannel != null) {
            return noChannel;
        }
        if (conf.getBoolean("spark.speculation", false)) {
            return "spark.speculation=true: a speculative copy of a reduce-scatter task would rerun its round";
        }
        return null;
    }

    /** Refuses an explicit reduce-scatter that the settings rule out, naming the setting. */
    static void refuse(SparkConf conf, boolean byReference) {
        String asked = SETTING + "=" + REDUCE_SCATTER_VALUE;
        if (byReference) {
            throw new BadInputException(asked + " needs executors of their own; in local mode the tasks share the "
                    + "driver's JVM and nothing is sent (" + Trainer.LOCAL_EXCHANGE + "=false makes local mode send "
                    + "anyway, for tests)");
        }
        if (conf.getBoolean("spark.speculation", false)) {
            throw new BadInputException(asked + " cannot run with spark.speculation=true: a second copy of a task "
                    + "that owns a slice of the state would rerun its round every time; turn speculation off or use "
                    + SETTING + "=" + CHANNEL_VALUE);
        }
        for (String security : SECURITY) {
            if (conf.getBoolean(security, false)) {
                throw new BadInputException(asked + " cannot run with " + security + "=true: its "
                        + "executor-to-executor streams are neither authenticated nor encrypted; use " + SETTING + "="
                        + CHANNEL_VALUE);
            }
        }
    }

    /** What an explicit reduce-scatter's unmet wait for slots says. */
    static String tooFewSlots(int slots, int partitions, long waitMillis) {
        return SETTING + "=" + REDUCE_SCATTER_VALUE + " runs a task per partition at once, but the cluster offered "
                + offered(slots, partitions, waitMillis);
    }

    /** E.g. "1 task slot for 2 partitions within 60 s (spark.captioner.exchange.slotsWait)". */
    static String offered(int slots, int partitions, long waitMillis) {
        return slotsFor(slots, partitions) + " within " + seconds(waitMillis) + " (" + SLOTS_WAIT + ")";
    }

    /** E.g. "1 task slot for 2 partitions". */
    static String slotsFor(int slots, int partitions) {
        return slots + (slots == 1 ? " task slot" : " task slots") + " for " + partitions + " partitions";
    }

    /**
     * Waits up to {@code waitMillis} for Spark to offer a task slot per partition; returns the slots it offers at
     * the end (at least {@code partitions}: enough). Says so once when it has to wait.
     */
    static int awaitSlots(SparkContext sc, int partitions, long waitMillis, PrintStream log) {
        long deadline = System.currentTimeMillis() + waitMillis;
        boolean said = false;
        while (true) {
            int slots = GradientSum.slots(sc);
            if (slots >= partitions || System.currentTimeMillis() >= deadline) {
                return slots;
            }
            if (!said) {
                log.printf("waiting up to %s for %d task slots, one per partition (the cluster offers %d)%n",
                        seconds(waitMillis), partitions, slots);
                said = true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for task slots", e);
            }
        }
    }

    /** The {@value #SLOTS_WAIT} in milliseconds, as Spark reads a time. */
    static long waitMillis(String value) {
        try {
            long ms = new SparkConf(false).set(SLOTS_WAIT, value).getTimeAsMs(SLOTS_WAIT);
            if (ms >= 0) {
                return ms;
            }
        } catch (RuntimeException e) {
            // the message below says what is expected
        }
        throw new BadInputException(SLOTS_WAIT + " is '" + value + "'; expected a time such as 60s or 2min");
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
