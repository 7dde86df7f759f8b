package captioner.eval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A generated caption: the word indices the model emitted after {@code <START>}, without {@code <END>}
 * ({@code <NULL>} or {@code <UNK>}, if the model emitted them, stay: decoding and BLEU drop them later), and the
 * summed log-probability of every emitted word under the model, {@code <END>} included when the caption ended
 * before the length limit. A class rather than a record: Spark's Kryo (4.x) cannot build records.
 */
public final class Caption implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] words;
    private final boolean ended;
    private final double logProb;

    /** @param ended whether the model emitted {@code <END>}; false when the caption stopped at the length limit */
    public Caption(int[] words, boolean ended, double logProb) {
        this.words = words;
        this.ended = ended;
        this.logProb = logProb;
    }

    /** The words after {@code <START>}, without {@code <END>} (shared, not copied). */
    public int[] words() {
        return words;
    }

    public boolean ended() {
        return ended;
    }

    public double logProb() {
        return logProb;
    }

    /** The tokens the model predicted: the words, plus {@code <END>} when it ended. */
    public int tokens() {
        return words.length + (ended ? 1 : 0);
    }

    /**
     * The score beam search ranks finished captions by: the log-probability divided by {@code tokens()^alpha}
     * (alpha = 0: the plain log-probability; alpha = 1: the mean per token).
     */
    public double score(double alpha) {
        return alpha == 0 ? logProb : logProb / Math.pow(Math.max(1, tokens()), alpha);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caption c && ended == c.ended && Double.compare(logProb, c.logProb) == 0
                && Arrays.equals(words, c.words);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(words) + Double.hashCode(logProb) + (ended ? 1 : 0);
    }

    @Override
    public String toString() {
        return Arrays.toString(words) + (ended ? " <END>" : " (length limit)") + ", log p = " + logProb;
    }
}
