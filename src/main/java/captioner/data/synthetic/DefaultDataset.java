package captioner.data.synthetic;

import captioner.io.AtomicWrites;
import captioner.io.Location;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * The embedded default dataset: the {@link SyntheticDataset} of {@value #IMAGES} training images (and
 * {@link SyntheticDataset#valImagesFor}({@value #IMAGES}) = 979 validation images, five captions each, 512 PCA-like
 * features), generated on first use, offline and deterministically, into
 * {@code CACHE/synthetic-2000-1} where CACHE is the system property {@code captioner.home}, else the environment
 * variable {@code CAPTIONER_HOME}, else {@code ~/.cache/spark-captioner}. About 6 MB; generating it takes a
 * second or two.
 *
 * <p>Size: training an LSTM with H = 512, W = 256 runs at about 500 captions/s on two cores, so one epoch of its
 * 10,000 training captions takes about 20 s and ten epochs a few minutes.
 *
 * <p>Generation writes a hidden sibling folder and renames it into place, so a killed generation never leaves a
 * half dataset under the real name; a later run just generates again (a stale {@code .synthetic-*.tmp-*} folder
 * older than a day is removed then). Two processes generating at once both succeed: the second rename loses and
 * its copy is deleted.
 */
public final class DefaultDataset {
    public static final int IMAGES = 2000;
    public static final long SEED = 1;

    private DefaultDataset() {
    }

    /** Where generated datasets are cached. */
    public static Path cacheRoot() {
        String prop = System.getProperty("captioner.home");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        String env = System.getenv("CAPTIONER_HOME");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "spark-captioner");
    }

    /** The default dataset's folder, generated first if missing. */
    public static Path ensure() {
        return ensure(cacheRoot(), IMAGES, SEED);
    }

    /** {@code root/synthetic-IMAGES-SEED}, generated first if missing. */
    public static Path ensure(Path root, int images, long seed) {
        Path dir = root.resolve("synthetic-" + images + "-" + seed);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            removeStaleTemporaries(root);
            writeAtomically(Location.local(dir), images, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the default dataset in " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /**
     * Writes a complete synthetic dataset to {@code dir}, which must not exist or be an empty folder: it is
     * generated in a hidden sibling folder and renamed into place ({@link AtomicWrites#moveFolder}). If another
     * process put a dataset there in the meantime, that one is kept (same arguments, same content) and this copy
     * deleted.
     */
    public static SyntheticDataset.Summary writeAtomically(Location dir, int images, long seed) {
        Location tmp = AtomicWrites.temporarySibling(dir);
        try {
            SyntheticDataset.Summary s = SyntheticDataset.write(tmp, images, seed, SyntheticDataset.DEFAULT_FEATURE_DIM);
            AtomicWrites.moveFolder(tmp, dir);
            return new SyntheticDataset.Summary(dir.toString(), s.trainImages(), s.valImages(), s.trainCaptions(),
                    s.valCaptions(), s.vocabularySize(), s.featureDim());
        } finally {
            tmp.delete();
        }
    }

    private static void removeStaleTemporaries(Path root) {
        long dayAgo = System.currentTimeMillis() - 24L * 3600 * 1000;
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> p.getFileName().toString().matches("\\.synthetic-.*\\.tmp-.*"))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toMillis() < dayAgo;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .forEach(p -> Location.local(p).deleteQuietly());
        } catch (IOException | UncheckedIOException e) {
            // Housekeeping only.
        }
    }
}
