package captioner.eval;

import captioner.model.Vocabulary;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The tokens BLEU compares, cleaned as cs231n's {@code BLEU_score} cleans them: the caption is decoded as
 * {@code decode_captions} does (stop at {@code <END>}, drop {@code <NULL>} and {@code <START>}), then every word
 * that contains {@code <START>}, {@code <END>} or {@code <UNK>} is dropped (cs231n tests with Python's
 * {@code in}, a substring test; no ordinary word contains those markers, so in practice this drops
 * {@code <UNK>}). The same cleaning applies to generated captions and references.
 */
public final class BleuTokens implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean[] dropped;
    private final int endIdx;

    public BleuTokens(Vocabulary vocab) {
        dropped = new boolean[vocab.size()];
        for (int i = 0; i < vocab.size(); i++) {
            String w = vocab.word(i);
            dropped[i] = i == vocab.nullIdx() || i == vocab.startIdx()
                    || w.contains(Vocabulary.START) || w.contains(Vocabulary.END) || w.contains(Vocabulary.UNK);
        }
        endIdx = vocab.endIdx();
    }

    /** The cleaned tokens of {@code caption[offset .. offset+length)}: a reference row or generated words. */
    public int[] clean(int[] caption, int offset, int length) {
        int[] out = new int[length];
        int n = 0;
        for (int t = offset; t < offset + length; t++) {
            int w = caption[t];
            if (w == endIdx) {
                break;
            }
            if (!dropped[w]) {
                out[n++] = w;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The cleaned tokens of a whole caption. */
    public int[] clean(int[] caption) {
        return clean(caption, 0, caption.length);
    }
}
