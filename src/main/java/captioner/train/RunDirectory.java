package captioner.train;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.io.StorageFailure;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A run's output directory at any {@link Location} (a plain path is local, a URI names its file system), laid
 * out as {@link RunLayout} says. Every file is put in place atomically ({@link AtomicWrites}), so a kill at any
 * moment leaves the previous checkpoint whole.
 */
final class RunDirectory {
    private final Location root;

    RunDirectory(String out, Configuration conf) {
        try {
            this.root = Location.of(out, conf);
        } catch (BadInputException e) {
            throw new BadInputException("--out " + e.getMessage(), e);
        }
    }

    Location file(String name) {
        return root.child(name);
    }

    /**
     * Claims the directory for {@code config}: checks it ({@link #check}) and, for a new run, writes
     * run.json.
     */
    void claim(TrainConfig config) {
        com.fasterxml.jackson.databind.node.ObjectNode run = RunLayout.JSON.valueToTree(config);
        if (check(config, List.of())) {
            removeLeftovers();
            // A resumed run given a new length keeps it: a later --resume alone goes on to it.
            TrainConfig stored = readRun(file(RunLayout.RUN));
            if (Objects.equals(stored.epochs(), config.epochs())
                    && Objects.equals(stored.iterations(), config.iterations())) {
                return;
            }
            // What the first start recorded (e.g. the warm start's counts) stays.
            com.fasterxml.jackson.databind.JsonNode before = readTree(file(RunLayout.RUN));
            for (String key : RunLayout.Environment.ALL) {
                if (before.has(key)) {
                    run.set(key, before.get(key));
                }
            }
        } else {
            root.child(RunLayout.CHECKPOINTS).mkdirs();
        }
        try {
            writeText(RunLayout.RUN, RunLayout.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
        } catch (IOException e) {
            throw new IllegalStateException("cannot describe the run as JSON: " + e.getMessage(), e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(Location runFile) {
        try (InputStream in = runFile.open()) {
            return RunLayout.JSON.readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + runFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the hidden temporary files ({@link AtomicWrites#temporarySibling}) a killed trainer left in OUT and
     * checkpoints/: its lock is ours now, so no writer of this run is still using them.
     */
    private void removeLeftovers() {
        for (Location folder : List.of(root, root.child(RunLayout.CHECKPOINTS))) {
            for (Location f : folder.list()) {
                if (f.name().startsWith(".") && f.name().contains(".tmp-")) {
                    f.deleteQuietly();
                }
            }
        }
    }

    /** The settings in run.json, or empty when this directory holds no run. */
    Optional<TrainConfig> stored() {
        Location runFile = file(RunLayout.RUN);
        return runFile.exists() ? Optional.of(readRun(runFile)) : Optional.empty();
    }

    /**
     * Checks, without writing, that {@code config} may use this directory: a new or empty one for a
     * new run; one holding the same run (the settings that decide the result match) for --resume.
     * Returns whether it already holds the run.
     *
     * @param unknown settings not known yet (run.json keys), left out of the comparison
     */
    boolean check(TrainConfig config, List<String> unknown) {
        Map<String, Object> mine = identity(config);
        mine.keySet().removeAll(unknown);
        Location runFile = file(RunLayout.RUN);
        if (runFile.exists()) {
            Map<String, Object> theirs = identity(readRun(runFile));
            if (!config.resume()) {
                throw new BadInputException("--out " + root + " already holds a run; pass --resume to continue it "
                        + "or choose another --out");
            }
            List<String> differ = new ArrayList<>();
            for (String k : mine.keySet()) {
                if (!String.valueOf(mine.get(k)).equals(String.valueOf(theirs.get(k)))) {
                    differ.add(k + " (" + theirs.get(k) + " there, " + mine.get(k) + " now)");
                }
            }
            if (!differ.isEmpty()) {
                throw new BadInputException("--resume: --out " + root + " holds a run with other settings: "
                        + String.join(", ", differ));
            }
            return true;
        }
        if (config.resume()) {
            throw new BadInputException("--resume: nothing to resume in --out " + root + " (no " + RunLayout.RUN + ")");
        }
        // The lock's heartbeat replaces it through a hidden temporary sibling (AtomicWrites), which a listing
        // catches when a beat is under way (HdfsRunTest did, on a loaded machine): neither is content.
        String beat = "." + RunLayout.LOCK + ".tmp-";
        if (root.list().stream().anyMatch(f -> !f.name().equals(RunLayout.LOCK) && !f.name().startsWith(beat))) {
            throw new BadInputException("--out " + root + " is not empty and holds no captioner run; "
                    + "choose an empty or new directory");
        }
        return false;
    }

    /** The settings that decide a run's result; a resumed run must match them all (its length may grow). */
    private static Map<String, Object> identity(TrainConfig c) {
        Map<String, Object> m = new TreeMap<>(RunLayout.JSON.convertValue(c, new TypeReference<Map<String, Object>>() { }));
        m.keySet().removeAll(RunLayout.Run.FREE);
        m.keySet().removeAll(RunSettings.LENGTH);
        return m;
    }

    private static TrainConfig readRun(Location runFile) {
        try (InputStream in = runFile.open()) {
            com.fasterxml.jackson.databind.node.ObjectNode run = (com.fasterxml.jackson.databind.node.ObjectNode)
                    RunLayout.JSON.readTree(in);
            run.remove(RunLayout.Environment.ALL);
            return RunLayout.JSON.treeToValue(run, TrainConfig.class);
        } catch (StorageFailure e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new BadInputException(runFile + ": not a readable run description (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new StorageFailure(runFile, "read", e);
        }
    }

    /** Adds (or replaces) one of {@link RunLayout.Environment}'s entries in run.json. */
    void recordEnvironment(String key, Object value) {
        Location runFile = file(RunLayout.RUN);
        com.fasterxml.jackson.databind.node.ObjectNode run;
        try (InputStream in = runFile.open()) {
            run = (com.fasterxml.jackson.databind.node.ObjectNode) RunLayout.JSON.readTree(in);
        } catch (IOException e) {
            throw new StorageFailure(runFile, "read", e);
        }
        run.set(key, RunLayout.JSON.valueToTree(value));
        try {
            writeText(RunLayout.RUN, RunLayout.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot update " + runFile + ": " + e.getMessage(), e);
        }
    }

    /** Writes a small text file atomically. */
    void writeText(String name, String text) {
        AtomicWrites.writeText(file(name), text);
    }

    /** Writes a checkpoint under checkpoints/ and deletes all but the newest {@code keep}. */
    void putCheckpoint(Checkpoint checkpoint, int keep) {
        putVerified(root.child(RunLayout.CHECKPOINTS).child(RunLayout.checkpointName(checkpoint.iteration())),
                checkpoint);
        List<Location> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            all.get(i).delete();
        }
    }

    /** Writes the final model file. */
    void putModel(Checkpoint checkpoint) {
        putVerified(file(RunLayout.MODEL), checkpoint);
    }

    /** Writes {@code checkpoint} to {@code target}, then reads it back whole from there and checks its checksum. */
    private static void putVerified(Location target, Checkpoint checkpoint) {
        AtomicWrites.write(target, checkpoint::write);
        try {
            LocalCopy.read(target, local -> {
                Checkpoint.verify(local, target.toString());
                return null;
            });
        } catch (BadInputException e) {
            throw new TrainingFailedException("wrote " + target + " but it does not read back intact: "
                    + e.getMessage() + ". The older checkpoints are kept; check the storage, then --resume continues "
                    + "from the newest valid one", e);
        }
    }

    /** Checkpoint files, oldest first. */
    List<Location> checkpoints() {
        List<Location> out = new ArrayList<>();
        for (Location f : root.child(RunLayout.CHECKPOINTS).list()) {
            if (RunLayout.isCheckpoint(f.name())) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparing(Location::name));
        return out;
    }

    /**
     * The newest checkpoint that reads back whole and matches its checksum (through a local copy for remote file
     * systems); each newer one that does not is named on {@code log} with the reason, and skipped.
     */
    Optional<Checkpoint> newestValidCheckpoint(DType dtype, PrintStream log) {
        List<Location> all = checkpoints();
        for (int i = all.size() - 1; i >= 0; i--) {
            Location file = all.get(i);
            try {
                return Optional.of(LocalCopy.read(file, local -> Checkpoint.read(local, file.toString(), dtype)));
            } catch (BadInputException e) {
                log.println("warning: --resume skips " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
