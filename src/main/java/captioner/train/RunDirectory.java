package captioner.train;

import captioner.BadInputException;
import captioner.data.AtomicWrites;
import captioner.data.LocalCopy;
import captioner.model.Checkpoint;
import captioner.tensor.DType;
import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A run's output directory on any Hadoop FileSystem, laid out as {@link RunLayout} says. Every file
 * is put in place atomically ({@link AtomicWrites}), so a kill at any moment leaves the previous
 * checkpoint whole.
 */
final class RunDirectory {
    private final Path root;
    private final Configuration conf;
    private final FileSystem fs;

    RunDirectory(String out, Configuration conf) {
        this.conf = conf;
        try {
            this.root = new Path(out);
            this.fs = root.getFileSystem(conf);
            // Hadoop's local file system would leave a .crc file beside every output; ours are read by people and h5py.
            fs.setWriteChecksum(false);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("--out " + out + ": cannot open (" + e.getMessage() + ")", e);
        }
    }

    Path file(String name) {
        return new Path(root, name);
    }

    Configuration conf() {
        return conf;
    }

    /**
     * Claims the directory for {@code config}: checks it ({@link #check}) and, for a new run, writes
     * run.json.
     */
    void claim(TrainConfig config) {
        if (check(config, List.of())) {
            return;
        }
        try {
            fs.mkdirs(new Path(root, RunLayout.CHECKPOINTS));
            writeText(RunLayout.RUN, RunLayout.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + root + ": " + e.getMessage(), e);
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
        Path runFile = file(RunLayout.RUN);
        try {
            if (fs.exists(runFile)) {
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
            if (fs.exists(root) && fs.listStatus(root).length > 0) {
                throw new BadInputException("--out " + root + " is not empty and holds no captioner run; "
                        + "choose an empty or new directory");
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + root + ": " + e.getMessage(), e);
        }
    }

    /** The settings that decide a run's result; a resumed run must match them all. */
    private static Map<String, Object> identity(TrainConfig c) {
        Map<String, Object> m = new TreeMap<>(RunLayout.JSON.convertValue(c, new TypeReference<Map<String, Object>>() { }));
        m.keySet().removeAll(RunLayout.Run.FREE);
        return m;
    }

    private TrainConfig readRun(Path runFile) throws IOException {
        try (InputStream in = fs.open(runFile)) {
            return RunLayout.JSON.readValue(in, TrainConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(runFile + ": not a readable run description (" + e.getMessage() + ")", e);
        }
    }

    /** Writes a small text file atomically. */
    void writeText(String name, String text) {
        try {
            java.nio.file.Path local = Files.createTempFile("captioner-", ".txt");
            try {
                Files.writeString(local, text, StandardCharsets.UTF_8);
                AtomicWrites.put(local, file(name), conf);
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a checkpoint under checkpoints/ and deletes all but the newest {@code keep}. */
    void putCheckpoint(Checkpoint checkpoint, int keep) {
        putH5(checkpoint, new Path(new Path(root, RunLayout.CHECKPOINTS), RunLayout.checkpointName(checkpoint.iteration())));
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                fs.delete(all.get(i), false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes the final model file. */
    void putModel(Checkpoint checkpoint) {
        putH5(checkpoint, file(RunLayout.MODEL));
    }

    private void putH5(Checkpoint checkpoint, Path target) {
        try {
            java.nio.file.Path local = Files.createTempFile("captioner-", ".h5");
            try {
                Files.delete(local);
                checkpoint.write(local);
                AtomicWrites.put(local, target, conf);
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checkpoint files, oldest first. */
    List<Path> checkpoints() {
        try {
            Path dir = new Path(root, RunLayout.CHECKPOINTS);
            if (!fs.exists(dir)) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                if (RunLayout.isCheckpoint(s.getPath().getName())) {
                    out.add(s.getPath());
                }
            }
            out.sort(Comparator.comparing(Path::getName));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest checkpoint, read back (through a local copy for remote file systems). */
    Optional<Checkpoint> newestCheckpoint(DType dtype) {
        List<Path> all = checkpoints();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path newest = all.get(all.size() - 1);
        return Optional.of(LocalCopy.read(newest.toString(), conf, local -> Checkpoint.read(local, newest.toString(), dtype)));
    }

    FileSystem fs() {
        return fs;
    }
}
