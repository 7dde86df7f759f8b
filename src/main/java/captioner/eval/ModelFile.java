package captioner.eval;

import captioner.BadInputException;
import captioner.data.TrainingData;
import captioner.io.LocalCopy;
import captioner.io.Location;
import captioner.model.Checkpoint;
import captioner.model.CaptionSpec;
import captioner.model.ModelFit;
import captioner.tensor.DType;
import captioner.train.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;


/**
 * A model read for inference from a checkpoint file that {@code train} wrote (OUT/model.h5 or one of
 * OUT/checkpoints/), in float32, with the checks that it fits the data it is asked to caption.
 *
 * @param flag the flag that named the file, for messages (e.g. "--checkpoint")
 * @param path the file as the user named it
 */
public record ModelFile(String flag, String path, Checkpoint checkpoint) {

    /** Reads {@code pathOrUri} (a local path or any Hadoop URI); {@code flag} names it in messages. */
    public static ModelFile read(String flag, String pathOrUri, Configuration conf) {
        Location loc = Location.of(pathOrUri, conf);
        String source = flag + " " + loc;
        FileStatus status = loc.statusOrNull();
        if (status == null) {
            throw new BadInputException(source + ": no such file; expected a " + RunLayout.MODEL + " or checkpoint written by "
                    + "'captioner train'");
        }
        if (!status.isFile()) {
            throw new BadInputException(source + ": is a directory; expected a " + RunLayout.MODEL + " or checkpoint file "
                    + "(a run's model is OUT/" + RunLayout.MODEL + ")");
        }
        Checkpoint c = LocalCopy.read(loc, p -> Checkpoint.read(p, source, DType.FLOAT32));
        return new ModelFile(flag, pathOrUri, c);
    }

    /** The flag and the file, e.g. "--checkpoint runs/default/model.h5": how messages name the model. */
    public String source() {
        return flag + " " + path;
    }

    /** The captioning model's sizes and special tokens (rnn, lstm or transformer); any other model is refused. */
    public CaptionSpec config() {
        if (!(checkpoint.model() instanceof CaptionSpec c)) {
            throw new BadInputException(source() + " holds a " + checkpoint.model().cell().label() + ", which does "
                    + "not generate captions; sampling and evaluation take rnn, lstm and transformer models");
        }
        return c;
    }

    /**
     * Refuses data whose vocabulary or feature width differs from the model's.
     *
     * @param dataName how the user named the data, e.g. "--data ~/coco" or "the embedded default dataset"
     */
    public void checkFits(TrainingData data, String dataName) {
        ModelFit.check(source(), checkpoint.vocab(), checkpoint.model(), dataName, data.vocab(), data.featureDim());
    }
}
