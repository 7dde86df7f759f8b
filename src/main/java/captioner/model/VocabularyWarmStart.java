package captioner.model;

import captioner.BadInputException;
import captioner.model.classify.ClassifierParams;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Warm-start parameters for data whose vocabulary may differ from the one a model was trained on. The word-indexed
 * parameters — rows of {@code W_embed} (V×W), columns of {@code W_vocab} (H×V), entries of {@code b_vocab} (V) — of
 * words both vocabularies hold are carried over by word; a word only the data has gets cs231n's initialisation
 * ({@link CaptioningModel#initialParams} with the run's seed: W_embed draws /100, W_vocab draws /sqrt(H), b_vocab
 * 0); a word only the model has is dropped. Every other parameter is kept as it is.
 *
 * <p>When the file stores no vocabulary (an h5py file of parameters) or the same one, the parameters are read
 * exactly as before: index for index, checked against the data's vocabulary size.
 */
public final class VocabularyWarmStart {
    private VocabularyWarmStart() {
    }

    /**
     * The parameters to start from and what happened to the words.
     *
     * @param shared  words of the data's vocabulary found in the model's
     * @param added   words of the data's vocabulary the model lacks (freshly initialised)
     * @param dropped words of the model's vocabulary the data lacks
     */
    public record Result(Checkpoint.Params params, int shared, int added, int dropped, boolean remapped) {
        /** For the run's log, e.g. "vocabulary remapped by word: 998 shared, 6 new, 4 dropped". */
        public String describe() {
            return remapped ? "vocabulary remapped by word: " + shared + " shared, " + added + " new, " + dropped
                    + " dropped" : "same vocabulary (" + shared + " words)";
        }
    }

    /**
     * Reads {@code file}'s parameters for a model over {@code dataVocab}; {@code source} names it in messages and
     * {@code hints} give a transformer's settings that its shapes cannot tell (null: the file's own).
     */
    public static Result load(Path file, String source, DType dtype, Vocabulary dataVocab, long seed,
                              TransformerSettings hints) {
        Vocabulary stored = storedVocabulary(file, source);
        if (stored == null || stored.words().equals(dataVocab.words())) {
            return new Result(Checkpoint.readParams(file, source, dtype, dataVocab, hints), dataVocab.size(), 0, 0,
                    false);
        }
        Checkpoint.Params old = Checkpoint.readParams(file, source, dtype, stored, hints);
        if (!(old.config() instanceof ModelConfig c)) {
            throw new BadInputException(source + ": a " + old.config().cell().label() + " model's vocabulary ("
                    + stored.size() + " words) differs from the data's (" + dataVocab.size() + "); remapping by word "
                    + "is implemented for rnn and lstm models only: prepare the data with --vocab of this model");
        }
        ModelConfig target = ModelConfig.of(c.cell(), dataVocab, c.inputDim(), c.wordvecDim(), c.hiddenDim());
        Tensor params = CaptioningModel.initialParams(target, dtype, seed);
        ParamLayout from = new ParamLayout(c);
        ParamLayout to = new ParamLayout(target);
        for (String name : ParamLayout.NAMES) {
            if (!List.of("W_embed", "W_vocab", "b_vocab").contains(name)) {
                to.view(params, name).copyFrom(from.view(old.params(), name));
            }
        }
        int w = c.wordvecDim();
        int h = c.hiddenDim();
        int oldV = stored.size();
        int newV = dataVocab.size();
        int shared = 0;
        ParamLayout.Entry embedFrom = from.entry("W_embed");
        ParamLayout.Entry embedTo = to.entry("W_embed");
        ParamLayout.Entry vocabFrom = from.entry("W_vocab");
        ParamLayout.Entry vocabTo = to.entry("W_vocab");
        ParamLayout.Entry biasFrom = from.entry("b_vocab");
        ParamLayout.Entry biasTo = to.entry("b_vocab");
        Tensor src = old.params();
        for (int j = 0; j < newV; j++) {
            int i = stored.index(dataVocab.word(j));
            if (i < 0) {
                continue;
            }
            shared++;
            for (int k = 0; k < w; k++) {
                params.set(embedTo.offset() + j * w + k, src.get(embedFrom.offset() + i * w + k));
            }
            for (int r = 0; r < h; r++) {
                params.set(vocabTo.offset() + r * newV + j, src.get(vocabFrom.offset() + r * oldV + i));
            }
            params.set(biasTo.offset() + j, src.get(biasFrom.offset() + i));
        }
        return new Result(new Checkpoint.Params(target, params), shared, newV - shared, oldV - shared, true);
    }

    /** The vocabulary stored in {@code /vocab/idx_to_word} (checkpoints and models), or null when there is none. */
    public static Vocabulary storedVocabulary(Path file, String source) {
        try (HdfFile f = new HdfFile(file)) {
            Node vocab = f.getChild("vocab");
            if (!(vocab instanceof io.jhdf.api.Group g) || !(g.getChild("idx_to_word") instanceof Dataset d)) {
                return null;
            }
            List<String> words = Arrays.asList((String[]) d.getData());
            return ClassifierParams.holdsClassifier(f)
                    ? Vocabulary.sentenceWords(words, source + " /vocab/idx_to_word")
                    : new Vocabulary(words, source + " /vocab/idx_to_word");
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new BadInputException(source + ": not a readable HDF5 file (" + e.getMessage() + ")", e);
        }
    }
}
