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
                throw new BadInputException(badLabel(labelSource, i, labels[i]));
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new BadInputException(badToken(tokenSource, i / length, i % length, tokens[i], vocabSize,
                        vocabSource));
            }
        }
    }

    /** The message for a label other than 0/1 in {@code source}'s row {@code row}: one wording for every source. */
    static String badLabel(String source, long row, long label) {
        return source + ": row " + row + " holds label " + label + "; expected 0 (unacceptable) or 1 (acceptable)";
    }

    /** The message for a token outside [0, V) at {@code row}, {@code column} of {@code source}. */
    static String badToken(String source, long row, int column, int token, int vocabSize, String vocabSource) {
        return source + ": row " + row + ", column " + column + " holds " + token + "; expected a word index in [0, "
                + vocabSize + ") (" + vocabSource + " has " + vocabSize + " words)";
    }

    /** The sentences at {@code rows} (ascending), in that order. */
    public SentenceSplit subset(int[] rows) {
        int[] t = new int[rows.length * length];
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(tokens, rows[i] * length, t, i * length, length);
            y[i] = labels[rows[i]];
        }
        return new SentenceSplit(name, length, t, y);
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
