package captioner.cli;

import captioner.BadInputException;
import captioner.data.synthetic.DefaultDataset;
import captioner.data.synthetic.SyntheticDataset;
import captioner.io.Location;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Writes the synthetic dataset (the embedded default dataset's generator) as a cs231n directory. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic captioning dataset in the cs231n COCO layout (offline, deterministic).")
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write: local path or Hadoop URI.")
    String out;

    @Option(names = "--images", paramLabel = "N", defaultValue = "" + DefaultDataset.IMAGES,
            description = "Training images; validation gets COCO's ratio, 40504/82783 as many (default: "
                    + "${DEFAULT-VALUE}, the embedded default dataset's size; 82783 is COCO's).")
    int images;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DefaultDataset.SEED,
            description = "Seed of the scenes, captions and features (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--overwrite",
            description = "Write into an existing non-empty DIR, replacing the dataset's files there.")
    boolean overwrite;

    @Override
    public Integer call() {
        if (images < 1) {
            throw new BadInputException("--images is " + images + "; expected at least 1 training image");
        }
        Location dir = Location.of(out, SparkSessions.hadoopConfiguration());
        long start = System.nanoTime();
        SyntheticDataset.Summary s;
        if (dir.exists() && !dir.isDirectory()) {
            throw new BadInputException("--out " + out + ": is a file; expected a folder to write the dataset into");
        }
        if (dir.isDirectory() && !dir.list().isEmpty()) {
            if (!overwrite) {
                throw new BadInputException("--out " + out + ": exists and is not empty; expected a new or empty "
                        + "folder, or --overwrite to replace the dataset's files there");
            }
            s = SyntheticDataset.write(dir, images, seed, SyntheticDataset.DEFAULT_FEATURE_DIM);
        } else {
            s = DefaultDataset.writeAtomically(dir, images, seed);
        }
        long bytes;
        try {
            bytes = dir.fs().getContentSummary(dir.path()).getLength();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot measure what was written (" + e.getMessage() + ")", e);
        }
        System.out.printf(Locale.ROOT, "wrote %s: train %d images (%d captions), val %d images (%d captions), "
                        + "vocabulary %d words, %d features; %.1f MB in %.1f s%n", dir, s.trainImages(),
                s.trainCaptions(), s.valImages(), s.valCaptions(), s.vocabularySize(), s.featureDim(),
                bytes / 1e6, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
