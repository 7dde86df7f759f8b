package captioner.data.classify;

import captioner.BadInputException;
import captioner.io.Location;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 004's data directory ({@code gt_7643/datasets}): {@code train_inxs.npy} and {@code val_inxs.npy} (integers,
 * N × T, CLS first and PAD after the words), {@code train_labels.npy} and {@code val_labels.npy} (N 0/1 labels) and
 * {@code word_to_ix.csv} (word,index), in a local folder or under any Hadoop URI. Both splits have the same T.
 */
public final class SeedFiles {
    public static final String VOCABULARY = "word_to_ix.csv";
    static final List<String> SPLITS = List.of(SentenceData.TRAIN, SentenceData.VAL);

    private SeedFiles() {
    }

    public static String tokensFile(String split) {
        return split + "_inxs.npy";
    }

    public static String labelsFile(String split) {
        return split + "_labels.npy";
    }

    /** Whether {@code dir} holds the seed's vocabulary file (what tells this layout from the others). */
    public static boolean holdsSeedFiles(Location dir) {
        return dir.child(VOCABULARY).exists();
    }

    public static SentenceData read(String dirUri, Configuration conf) {
        Location dir = Location.of(dirUri, conf);
        if (!dir.isDirectory()) {
            throw new BadInputException(dirUri + ": " + (dir.exists() ? "is a file" : "no such directory")
                    + "; expected a folder holding the seed's " + expected());
        }
        for (String name : allFiles()) {
            if (!dir.child(name).isFile()) {
                throw new BadInputException(dir.child(name) + ": no such file; expected the seed's " + expected()
                        + " in " + dirUri);
            }
        }
        Location vocabFile = dir.child(VOCABULARY);
        List<String> words;
        try (InputStream in = vocabFile.open()) {
            words = WordIndex.read(in, vocabFile.toString());
        } catch (IOException e) {
            throw new BadInputException(vocabFile + ": cannot read it (" + e + ")", e);
        }
        Map<String, SentenceSplit> splits = new LinkedHashMap<>();
        int length = -1;
        for (String split : SPLITS) {
            Location tokenFile = dir.child(tokensFile(split));
            Location labelFile = dir.child(labelsFile(split));
            NpyInts tokens = npy(tokenFile);
            NpyInts labels = npy(labelFile);
            if (tokens.shape().length != 2 || tokens.shape()[1] < 1) {
                throw new BadInputException(tokenFile + ": has shape " + Arrays.toString(tokens.shape())
                        + "; expected (N, T): one row of T token indices per sentence");
            }
            int n = tokens.shape()[0];
            int[] ls = labels.shape();
            boolean column = ls.length == 1 || ls.length == 2 && ls[1] == 1;
            if (!column || ls[0] != n) {
                throw new BadInputException(labelFile + ": has shape " + Arrays.toString(ls) + "; expected (" + n
                        + ",): one label per row of " + tokenFile.name());
            }
            if (length >= 0 && tokens.shape()[1] != length) {
                throw new BadInputException(tokenFile + ": rows of " + tokens.shape()[1] + " tokens, but "
                        + tokensFile(SPLITS.get(0)) + " has rows of " + length + "; expected every split padded to "
                        + "one length");
            }
            length = tokens.shape()[1];
            SentenceSplit s = new SentenceSplit(split, length, tokens.values(), labels.values());
            s.check(tokenFile.toString(), labelFile.toString(), words.size(), VOCABULARY);
            splits.put(split, s);
        }
        return new SentenceData(dirUri, words, splits);
    }

    private static NpyInts npy(Location file) {
        try (InputStream in = file.open()) {
            return NpyInts.read(in, file.toString());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read it (" + e + ")", e);
        }
    }

    private static List<String> allFiles() {
        return List.of(VOCABULARY, tokensFile(SPLITS.get(0)), labelsFile(SPLITS.get(0)), tokensFile(SPLITS.get(1)),
                labelsFile(SPLITS.get(1)));
    }

    private static String expected() {
        return String.join(", ", allFiles());
    }
}
