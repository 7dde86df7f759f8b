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
     * Opens labelled sentences at {@code uri} (local path or Hadoop URI), by what is there: the seed's folder
     * ({@link SeedFiles}, read on the driver: it holds {@code word_to_ix.csv}) or a sentence table
     * ({@link SentenceTableReader}, read on Spark: it holds {@code table.json}).
     *
     * @throws BadInputException when nothing usable is there, naming what was expected
     */
    public static SentenceData open(String uri, org.apache.spark.sql.SparkSession spark) {
        captioner.io.Location dir = captioner.io.Location.of(uri, spark.sparkContext().hadoopConfiguration());
        if (dir.isDirectory() && SeedFiles.holdsSeedFiles(dir)) {
            return SeedFiles.read(uri, spark.sparkContext().hadoopConfiguration());
        }
        if (dir.isDirectory() && SentenceTableReader.holdsTable(dir)) {
            return SentenceTableReader.read(uri, spark);
        }
        throw new BadInputException(uri + ": " + (!dir.exists() ? "no such directory" : dir.isDirectory()
                ? "holds neither " + SeedFiles.VOCABULARY + " nor " + SentenceTableSchema.METADATA_FILE : "is a file")
                + "; expected the seed's folder (" + SeedFiles.VOCABULARY + ", " + SeedFiles.tokensFile(TRAIN) + ", "
                + SeedFiles.labelsFile(TRAIN) + ", …) or a sentence table ('captioner prepare --task classify' "
                + "writes one)");
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
