package captioner.data.classify;

import captioner.BadInputException;

import java.util.List;
import java.util.Map;

/**
 * Labelled sentences with their vocabulary: {@code words.get(i)} is the word of index i (the seed's
 * {@code word_to_ix} inverted), and the splits by name ({@code train}, {@code val}), all of one length T.
 */
public record SentenceData(String source, List<String> words, Map<String, SentenceSplit> splits) {
    public static final String TRAIN = "train";
    public static final String VAL = "val";

    public int vocabSize() {
        return words.size();
    }

    /** T: the padded length of every sentence. */
    public int length() {
        return splits.values().iterator().next().length();
    }

    /**
     * Opens labelled sentences at {@code uri} (local path or Hadoop URI): the seed's directory ({@link SeedFiles}).
     *
     * @throws BadInputException when nothing usable is there, naming what was expected
     */
    public static SentenceData open(String uri, org.apache.hadoop.conf.Configuration conf) {
        return SeedFiles.read(uri, conf);
    }

    /** The vocabulary as checkpoints store it. */
    public captioner.model.Vocabulary vocabulary() {
        return captioner.model.Vocabulary.sentenceWords(words, source + " " + SeedFiles.VOCABULARY);
    }

    public SentenceSplit split(String name) {
        SentenceSplit s = splits.get(name);
        if (s == null) {
            throw new BadInputException(source + ": no '" + name + "' split; expected one of " + splits.keySet());
        }
        return s;
    }
}
