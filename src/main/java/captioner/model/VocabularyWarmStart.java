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
import java.util.Map;

/**
 * Warm-start parameters for data whose vocabulary may differ from the one a model was trained on. The word-indexed
 * parameters of words both vocabularies hold are carried over by word — for rnn and lstm the rows of
 * {@code W_embed} (V×W), the columns of {@code W_vocab} (H×V) and the entries of {@code b_vocab} (V); for the
 * transformer the rows of {@code embedding.weight} (V×W) and {@code output.weight} (V×W) and the entries of
 * {@code output.bias} (V). A word only the data has gets its family's initialisation for the new vocabulary size
 * and the run's seed ({@link ModelSpec#initialParams}: cs231n's W_embed draws /100, W_vocab draws /sqrt(H),
 * b_vocab 0; the transformer's N(0, 0.02²) embedding rows and U(±1/√W) output rows and biases); a word only the
 * model has is dropped. Every other parameter is kept as it is.
 *
 * <p>When the file stores no vocabulary (an h5py file of parameters) or the same one, the parameters are read
 * exactly as before: index for index, checked against the data's vocabulary size.
 */
public final class VocabularyWarmStart {
    /** The recurrent families' word-indexed parameters: true where words index the rows (or a vector's entries). */
    private static final Map<String, Boolean> RECURRENT_WORDS = Map.of("W_embed", true, "W_vocab", false,
            "b_vocab", true);
    /** The transformer's, under PyTorch's names: every one is indexed by word along its first axis. */
    private static final Map<String, Boolean> TRANSFORMER_WORDS = Map.of("embedding.weight", true,
            "output.weight", true, "output.bias", true);

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
        ModelSpec target;
        Map<String, Boolean> words;
        if (old.config() instanceof ModelConfig c) {
            target = ModelConfig.of(c.cell(), dataVocab, c.inputDim(), c.wordvecDim(), c.hiddenDim());
            words = RECURRENT_WORDS;
        } else if (old.config() instanceof TransformerConfig t) {
            target = new TransformerConfig(dataVocab.size(), t.inputDim(), t.wordvecDim(), t.ffnDim(), t.layers(),
                    t.heads(), t.activation(), t.dropout(), t.maxLength(), dataVocab.nullIdx(), dataVocab.startIdx(),
                    dataVocab.endIdx());
            words = TRANSFORMER_WORDS;
        } else {
            throw new IllegalStateException("no word-indexed parameters known for " + old.config().summary());
        }
        Tensor params = target.initialParams(dtype, seed);
        ParamLayout from = old.config().layout();
        ParamLayout to = target.layout();
        for (ParamLayout.Entry e : to.entries()) {
            if (!words.containsKey(e.name())) {
                to.view(params, e.name()).copyFrom(from.view(old.params(), e.name()));
            }
        }
        int shared = 0;
        for (int j = 0; j < dataVocab.size(); j++) {
            int i = stored.index(dataVocab.word(j));
            if (i < 0) {
                continue;
            }
            shared++;
            for (Map.Entry<String, Boolean> w : words.entrySet()) {
                copyWord(from.entry(w.getKey()), old.params(), i, to.entry(w.getKey()), params, j, w.getValue());
            }
        }
        return new Result(new Checkpoint.Params(target, params), shared, dataVocab.size() - shared,
                stored.size() - shared, true);
    }

    /**
     * Copies word {@code i}'s slice of {@code from} (in {@code src}) to word {@code j}'s of {@code to} (in
     * {@code dst}): an entry of a vector, a row of a (V, n) matrix when {@code rows}, else a column of an (n, V) one.
     */
    private static void copyWord(ParamLayout.Entry from, Tensor src, int i, ParamLayout.Entry to, Tensor dst, int j,
                                 boolean rows) {
        int[] shape = to.shape();
        if (shape.length == 1) {
            dst.set(to.offset() + j, src.get(from.offset() + i));
        } else if (rows) {
            int n = shape[1];
            for (int k = 0; k < n; k++) {
                dst.set(to.offset() + j * n + k, src.get(from.offset() + i * n + k));
            }
        } else {
            int oldV = from.shape()[1];
            int newV = shape[1];
            for (int r = 0; r < shape[0]; r++) {
                dst.set(to.offset() + r * newV + j, src.get(from.offset() + r * oldV + i));
            }
        }
    }

    /** The vocabulary stored in {@code /vocab/idx_to_word} (checkpoints and models), or null when there is none. */
    public static Vocabulary storedVocabulary(Path file, String source) {
        try (HdfFile f = new HdfFile(file)) {
            Node vocab = f.getChild("vocab");
            if (!(vocab instanceof io.jhdf.api.Group g) || !(g.getChild("idx_to_word") instanceof Dataset d)) {
                return null;
            }
            List<String> words = Arrays.asList((String[]) Checkpoint.values(d, source, 0));
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
