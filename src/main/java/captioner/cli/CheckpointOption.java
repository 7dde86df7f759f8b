package captioner.cli;

import captioner.eval.ModelFile;
import captioner.train.RunLayout;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** {@code --checkpoint}: the trained model that sample and evaluate use. */
final class CheckpointOption {
    static final String FLAG = "--checkpoint";

    @Option(names = FLAG, required = true, paramLabel = "CKPT",
            description = "A model file written by train (OUT/" + RunLayout.MODEL + " or OUT/" + RunLayout.CHECKPOINTS
                    + "/" + RunLayout.CHECKPOINT_GLOB + ").")
    String checkpoint;

    ModelFile read(Configuration conf) {
        return ModelFile.read(FLAG, checkpoint, conf);
    }
}
