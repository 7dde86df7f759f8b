package captioner.data.classify;

import captioner.BadInputException;

/**
 * One split of labelled sentences: N rows of T token indices (row-major, CLS at position 0 and PAD after the words,
 * as the seed's data has them) and N labels, 1 for acceptable and 0 for not. Arrays are shared, not copied.
 */
public record SentenceSplit(String name, int length, int[] tokens, int[] labels) {
    public SentenceSplit {
        if (length < 1 || tokens.length != labels.length * length) {
            throw new IllegalArgumentException(name + ": " + tokens.length + " tokens are not " + labels.length
                    + " rows of " + length);
        }
    }

    public int size() {
        return labels.length;
    }

    /** Refuses labels other than 0/1 and tokens outside [0, V), naming {@code source}, the row and the column. */
    public void check(String tokenSource, String labelSource, int vocabSize, String vocabSource) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new BadInputException(labelSource + ": row " + i + " holds label " + labels[i]
                        + "; expected 0 (unacceptable) or 1 (acceptable)");
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new BadInputException(tokenSource + ": row " + i / length + ", column " + i % length + " holds "
                        + tokens[i] + "; expected a word index in [0, " + vocabSize + ") (" + vocabSource + " has "
                        + vocabSize + " words)");
            }
        }
    }

    /** The fraction of acceptable sentences. */
    public double positiveRate() {
        long ones = 0;
        for (int y : labels) {
            ones += y;
        }
        return labels.length == 0 ? 0 : (double) ones / labels.length;
    }
}
