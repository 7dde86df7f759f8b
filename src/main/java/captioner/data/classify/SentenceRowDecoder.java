package captioner.data.classify;

import captioner.BadInputException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

import java.io.Serializable;

/**
 * Checks one Spark row of a sentence table's split (sentence_idx, tokens, label) against the table's metadata and
 * returns it as {@code [sentence_idx, label, tokens…]}; runs on the executors. Labels and word indices get the
 * messages the seed's files get ({@link SentenceSplit#badLabel}, {@link SentenceSplit#badToken}).
 */
final class SentenceRowDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final int sentences;
    private final int length;
    private final int vocabSize;

    /** @param where the split's folder, for messages */
    SentenceRowDecoder(String where, int sentences, int length, int vocabSize) {
        this.where = where;
        this.sentences = sentences;
        this.length = length;
        this.vocabSize = vocabSize;
    }

    int[] decode(InternalRow r) {
        if (r.isNullAt(0)) {
            throw new BadInputException(where + ": a row has a null " + SentenceTableSchema.SENTENCE_IDX
                    + "; expected the sentence's row in the split");
        }
        int row = r.getInt(0);
        if (row < 0 || row >= sentences) {
            throw new BadInputException(where + ": " + SentenceTableSchema.SENTENCE_IDX + " " + row
                    + " is outside [0, " + sentences + "); expected the sentence counts of "
                    + SentenceTableSchema.METADATA_FILE);
        }
        if (r.isNullAt(1)) {
            throw new BadInputException(where + ": row " + row + " has null tokens; expected " + length
                    + " word indices");
        }
        ArrayData tokens = r.getArray(1);
        if (tokens.numElements() != length) {
            throw new BadInputException(where + ": row " + row + " has " + tokens.numElements() + " tokens; expected "
                    + length + " (sentence_length of " + SentenceTableSchema.METADATA_FILE + ")");
        }
        int[] out = new int[length + 2];
        out[0] = row;
        for (int t = 0; t < length; t++) {
            if (tokens.isNullAt(t)) {
                throw new BadInputException(where + ": row " + row + ", column " + t + " is null; expected a word "
                        + "index in [0, " + vocabSize + ")");
            }
            int token = tokens.getInt(t);
            if (token < 0 || token >= vocabSize) {
                throw new BadInputException(SentenceSplit.badToken(where, row, t, token, vocabSize,
                        SentenceTableSchema.METADATA_FILE));
            }
            out[t + 2] = token;
        }
        if (r.isNullAt(2)) {
            throw new BadInputException(where + ": row " + row + " has a null label; expected 0 (unacceptable) or 1 "
                    + "(acceptable)");
        }
        int label = r.getInt(2);
        if (label != 0 && label != 1) {
            throw new BadInputException(SentenceSplit.badLabel(where, row, label));
        }
        out[1] = label;
        return out;
    }
}
