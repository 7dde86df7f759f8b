package captioner.train;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.Location;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * OUT/train.lock: one trainer per run directory. It is created exclusively ({@link AtomicWrites#createExclusive}:
 * local disks and HDFS alike), holds the trainer's host, pid, process start and a heartbeat that a daemon thread
 * refreshes every {@link #HEARTBEAT}, and is deleted when the trainer ends. A lock is stale when its process is gone
 * from this host, or its heartbeat is older than {@link #STALE_AFTER} (a trainer on another host that died or lost
 * its file system); {@code --resume} takes a stale lock over with a warning, anything else is refused naming the
 * holder.
 */
public final class RunLock implements AutoCloseable {
    /** How often the holder refreshes its heartbeat. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A heartbeat this old means its trainer is gone, wherever it ran. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(5);

    /** What the lock file holds (JSON). */
    record Holder(@JsonProperty("host") String host, @JsonProperty("pid") long pid,
                  @JsonProperty("process_start") String processStart, @JsonProperty("started") String started,
                  @JsonProperty("heartbeat") String heartbeat) {
        Holder beat() {
            return new Holder(host, pid, processStart, started, Instant.now().toString());
        }

        @Override
        public String toString() {
            return "pid " + pid + " on " + host + " since " + started + " (heartbeat " + heartbeat + ")";
        }
    }

    private final Location file;
    /** The run directory when taking the lock created it, else null. */
    private final Location created;
    private final ScheduledExecutorService heart;
    private volatile Holder me;

    private RunLock(Location file, Location created, Holder me) {
        this.file = file;
        this.created = created;
        this.me = me;
        this.heart = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "captioner run lock heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = HEARTBEAT.toMillis();
        heart.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of run directory {@code out} for this process.
     *
     * @param takeOverStale whether a stale lock may be taken over (--resume)
     * @throws BadInputException when another trainer holds it (naming it), or it is stale and may not be taken over
     */
    public static RunLock acquire(String out, Configuration conf, boolean takeOverStale, PrintStream log) {
        Location dir = Location.of(out, conf);
        Location file = dir.child(RunLayout.LOCK);
        Holder me = self();
        boolean existed = dir.exists();
        for (int attempt = 0; attempt < 2; attempt++) {
            if (AtomicWrites.createExclusive(file, json(me))) {
                return new RunLock(file, existed ? null : dir, me);
            }
            Optional<Holder> holder = read(file);
            if (holder.isEmpty()) {
                continue; // released meanwhile, or an unreadable (half-written) lock: check once more
            }
            Optional<String> stale = staleness(holder.get(), me);
            if (stale.isEmpty()) {
                throw new BadInputException("--out " + out + " is being trained by another process: " + holder.get()
                        + "; wait for it to end or choose another --out");
            }
            if (!takeOverStale) {
                throw new BadInputException("--out " + out + " has a stale lock " + file + " of " + holder.get()
                        + " (" + stale.get() + "); pass --resume to take it over");
            }
            log.println("warning: taking over the stale lock " + file + " of " + holder.get() + " (" + stale.get()
                    + ")");
            file.delete();
        }
        Optional<Holder> holder = read(file);
        throw new BadInputException("--out " + out + ": cannot take the lock " + file
                + holder.map(h -> ", held by " + h).orElse(" (unreadable)") + "; remove it if no trainer runs");
    }

    /** Why {@code h} is stale as seen by {@code me}, or empty when it is alive. */
    static Optional<String> staleness(Holder h, Holder me) {
        if (h.host().equals(me.host())) {
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
            String start = p.flatMap(x -> x.info().startInstant()).map(Instant::toString).orElse("");
            if (p.isEmpty() || !p.get().isAlive() || !start.equals(h.processStart())) {
                return Optional.of("process " + h.pid() + " is gone from " + h.host());
            }
            return Optional.empty();
        }
        Duration age;
        try {
            age = Duration.between(Instant.parse(h.heartbeat()), Instant.now());
        } catch (RuntimeException e) {
            return Optional.of("its heartbeat '" + h.heartbeat() + "' is no time");
        }
        return age.compareTo(STALE_AFTER) > 0
                ? Optional.of("its heartbeat is " + age.toSeconds() + " s old, more than " + STALE_AFTER.toSeconds()
                + " s")
                : Optional.empty();
    }

    private void beat() {
        try {
            me = me.beat();
            AtomicWrites.writeText(file, json(me));
        } catch (RuntimeException e) {
            // The run's own writes report a lost file system; a missed beat only ages the lock.
        }
    }

    /**
     * Stops the heartbeat and deletes the lock, and the run directory too when the lock created it and nothing else
     * was written there: a run refused once Spark had started (e.g. its exchange) leaves nothing behind.
     */
    @Override
    public void close() {
        heart.shutdownNow();
        try {
            heart.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.deleteQuietly();
        if (created != null) {
            try {
                if (created.list().isEmpty()) {
                    created.deleteQuietly();
                }
            } catch (RuntimeException e) {
                // Housekeeping only: an empty folder left behind is harmless.
            }
        }
    }

    private static Holder self() {
        ProcessHandle p = ProcessHandle.current();
        String now = Instant.now().toString();
        return new Holder(hostName(), p.pid(), p.info().startInstant().map(Instant::toString).orElse(""), now, now);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }

    private static String json(Holder h) {
        try {
            return RunLayout.JSON.writeValueAsString(h) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Holder> read(Location file) {
        try (InputStream in = file.open()) {
            return Optional.of(RunLayout.JSON.readValue(in, Holder.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
