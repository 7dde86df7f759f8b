package captioner.train;

import captioner.BadInputException;
import captioner.io.AtomicWrites;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
        if (check(config, List.of())) {
            return;
        }
        root.child(RunLayout.CHECKPOINTS).mkdirs();
        try {
            writeText(RunLayout.RUN, RunLayout.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new IllegalStateException("cannot describe the run as JSON: " + e.getMessage(), e);
        }
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
        if (!root.list().isEmpty()) {
            throw new BadInputException("--out " + root + " is not empty and holds no captioner run; "
                    + "choose an empty or new directory");
        }
        return false;
    }

    /** The settings that decide a run's result; a resumed run must match them all. */
    private static Map<String, Object> identity(TrainConfig c) {
        Map<String, Object> m = new TreeMap<>(RunLayout.JSON.convertValue(c, new TypeReference<Map<String, Object>>() { }));
        m.keySet().removeAll(RunLayout.Run.FREE);
        return m;
    }

    private static TrainConfig readRun(Location runFile) {
        try (InputStream in = runFile.open()) {
            com.fasterxml.jackson.databind.node.ObjectNode run = (com.fasterxml.jackson.databind.node.ObjectNode)
                    RunLayout.JSON.readTree(in);
            run.remove(RunLayout.Environment.ALL);
            return RunLayout.JSON.treeToValue(run, TrainConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(runFile + ": not a readable run description (" + e.getMessage() + ")", e);
        }
    }

    /** Adds (or replaces) one of {@link RunLayout.Environment}'s entries in run.json. */
    void recordEnvironment(String key, Object value) {
        Location runFile = file(RunLayout.RUN);
        com.fasterxml.jackson.databind.node.ObjectNode run;
        try (InputStream in = runFile.open()) {
            run = (com.fasterxml.jackson.databind.node.ObjectNode) RunLayout.JSON.readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + runFile + ": " + e.getMessage(), e);
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
        AtomicWrites.write(root.child(RunLayout.CHECKPOINTS).child(RunLayout.checkpointName(checkpoint.iteration())),
                checkpoint::write);
        List<Location> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            all.get(i).delete();
        }
    }

    /** Writes the final model file. */
    void putModel(Checkpoint checkpoint) {
        AtomicWrites.write(file(RunLayout.MODEL), checkpoint::write);
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

    /** The newest checkpoint, read back (through a local copy for remote file systems). */
    Optional<Checkpoint> newestCheckpoint(DType dtype) {
        List<Location> all = checkpoints();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Location newest = all.get(all.size() - 1);
        return Optional.of(LocalCopy.read(newest, local -> Checkpoint.read(local, newest.toString(), dtype)));
    }
}
