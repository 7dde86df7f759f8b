package captioner.data;

import captioner.data.cs231n.Fixture;
import captioner.data.synthetic.SyntheticDataset;

import java.io.IOException;
import java.nio.file.Path;

/** The two cs231n directories the data tests share, written once per test class into its folder. */
public final class TestDatasets {
    private TestDatasets() {
    }

    /** 40 synthetic training images (captions listed image by image), seed 3, in {@code dir}/synth. */
    public static Path synthetic(Path dir) {
        Path out = dir.resolve("synth");
        SyntheticDataset.write(out, 40, 3);
        return out;
    }

    /** The small {@link Fixture} (captions not in image order, 3 and 2 images) in {@code dir}/fixture. */
    public static Path fixture(Path dir) throws IOException {
        return new Fixture().write(dir.resolve("fixture"));
    }
}
