package captioner.data.classify;

import java.io.Serializable;

/**
 * One row of the sentence table in Java form, a bean so that Spark's bean encoder writes the tokens as a primitive
 * array copy (no boxing per element).
 */
public final class SentenceRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private int sentenceIdx;
    private int[] tokens;
    private int label;

    /** For Spark's bean encoder. */
    public SentenceRow() {
    }

    public SentenceRow(int sentenceIdx, int[] tokens, int label) {
        this.sentenceIdx = sentenceIdx;
        this.tokens = tokens;
        this.label = label;
    }

    public int getSentenceIdx() {
        return sentenceIdx;
    }

    public void setSentenceIdx(int sentenceIdx) {
        this.sentenceIdx = sentenceIdx;
    }

    public int[] getTokens() {
        return tokens;
    }

    public void setTokens(int[] tokens) {
        this.tokens = tokens;
    }

    public int getLabel() {
        return label;
    }

    public void setLabel(int label) {
        this.label = label;
    }
}
