package captioner.cli;

import captioner.BadInputException;
import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceSplit;
import captioner.eval.ModelFile;
import captioner.eval.OutputFile;
import captioner.eval.classify.SentencePredictions;
import captioner.eval.classify.SentenceScoring;
import captioner.model.classify.ClassifierConfig;
import captioner.tensor.Tensor;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** A sentence classifier's judgement of every sentence of a split, one JSON line each. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score every sentence of a split with a classifier (train --task classify): one JSON line per "
                + "sentence with index, score, predicted, label and the sentence's words."})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The seed's folder (word_to_ix.csv, VAL_inxs.npy, …) or a sentence table, local path or "
                    + "Hadoop URI; default: the embedded synthetic sentences.")
    String data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "val", description = "train or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", paramLabel = "F.jsonl", required = true, description = "Where the lines go, written atomically.")
    String out;

    @Override
    public Integer call() {
        Configuration conf = SparkSessions.hadoopConfiguration();
        OutputFile target = OutputFile.of("--out", out, conf);
        ModelFile model = checkpoint.read(conf);
        if (!(model.checkpoint().model() instanceof ClassifierConfig config)) {
            throw new BadInputException(model.source() + " holds a " + model.checkpoint().model().cell().label()
                    + " model; predict takes a classifier (train --task classify)");
        }
        SentenceData sentences = SentenceInput.fitting(model, config, data, null, "predict");
        SentenceSplit s = Flags.parse("--split", split, sentences::split);
        Tensor logits = SentenceScoring.logits(config.newModel(model.checkpoint().params()), s.tokens(), s.length());
        target.write(SentencePredictions.lines(s, logits, sentences.words(), true));
        System.out.println("wrote " + s.size() + " predictions to " + target.shown());
        return 0;
    }
}
