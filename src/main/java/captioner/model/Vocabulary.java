package captioner.model;

import captioner.BadInputException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The caption vocabulary: word i is {@code idxToWord.get(i)}. It must hold {@code <NULL>} (padding,
 * masked out of the loss), {@code <START>} and {@code <END>}; {@code <UNK>} is optional, as in the
 * cs231n COCO files.
 */
public final class Vocabulary implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String NULL = "<NULL>";
    public static final String START = "<START>";
    public static final String END = "<END>";
    public static final String UNK = "<UNK>";

    private final List<String> idxToWord;
    private final Map<String, Integer> wordToIdx;
    private final int nullIdx;
    private final int startIdx;
    private final int endIdx;
    private final int unkIdx;

    /**
     * @param source names where the words came from, for error messages (e.g. a file path)
     * @throws BadInputException on duplicate or empty words, or a missing special token
     */
    public Vocabulary(List<String> idxToWord, String source) {
        this(idxToWord, source, true);
    }

    /**
     * The words of a sentence classifier (seed 004's {@code word_to_ix} inverted): distinct and non-empty, but
     * without captioning's special tokens, whose indices are then -1.
     */
    public static Vocabulary sentenceWords(List<String> idxToWord, String source) {
        return new Vocabulary(idxToWord, source, false);
    }

    private Vocabulary(List<String> idxToWord, String source, boolean captions) {
        this.idxToWord = Collections.unmodifiableList(new ArrayList<>(idxToWord));
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < idxToWord.size(); i++) {
            String w = idxToWord.get(i);
            if (w == null || w.isEmpty()) {
                throw new BadInputException(source + ": idx_to_word[" + i + "] is empty; expected a word");
            }
            Integer previous = map.put(w, i);
            if (previous != null) {
                throw new BadInputException(source + ": word '" + w + "' appears at indices " + previous + " and " + i
                        + "; expected each word once");
            }
        }
        this.wordToIdx = Collections.unmodifiableMap(map);
        this.nullIdx = captions ? required(NULL, source) : map.getOrDefault(NULL, -1);
        this.startIdx = captions ? required(START, source) : map.getOrDefault(START, -1);
        this.endIdx = captions ? required(END, source) : map.getOrDefault(END, -1);
        this.unkIdx = map.getOrDefault(UNK, -1);
    }

    /**
     * Builds the vocabulary from both cs231n maps and checks that they agree
     * ({@code word_to_idx[idx_to_word[i]] == i} for every i, and no extra words).
     */
    public static Vocabulary fromMaps(List<String> idxToWord, Map<String, Integer> wordToIdx, String source) {
        Vocabulary v = new Vocabulary(idxToWord, source);
        if (wordToIdx.size() != idxToWord.size()) {
            throw new BadInputException(source + ": word_to_idx has " + wordToIdx.size() + " entries but idx_to_word has "
                    + idxToWord.size() + "; expected the two maps to agree");
        }
        for (Map.Entry<String, Integer> e : wordToIdx.entrySet()) {
            Integer expected = v.wordToIdx.get(e.getKey());
            if (!e.getValue().equals(expected)) {
                throw new BadInputException(source + ": word_to_idx['" + e.getKey() + "'] = " + e.getValue()
                        + " but idx_to_word gives " + (expected == null ? "no such word" : "index " + expected)
                        + "; expected the two maps to agree");
            }
        }
        return v;
    }

    private int required(String token, String source) {
        Integer idx = wordToIdx.get(token);
        if (idx == null) {
            throw new BadInputException(source + ": vocabulary has no " + token + " token; expected <NULL>, <START> and <END>");
        }
        return idx;
    }

    public int size() {
        return idxToWord.size();
    }

    public String word(int idx) {
        return idxToWord.get(idx);
    }

    /** The index of {@code word}, or -1 if it is not in the vocabulary. */
    public int index(String word) {
        return wordToIdx.getOrDefault(word, -1);
    }

    public List<String> words() {
        return idxToWord;
    }

    public int nullIdx() {
        return nullIdx;
    }

    public int startIdx() {
        return startIdx;
    }

    public int endIdx() {
        return endIdx;
    }

    /** The index of {@code <UNK>}, or -1 when the vocabulary has none. */
    public int unkIdx() {
        return unkIdx;
    }

    /**
     * cs231n's {@code decode_captions} for one caption: drops {@code <NULL>} and {@code <START>},
     * stops at {@code <END>}, joins the remaining words with single spaces.
     */
    public String decode(int[] caption, int offset, int length) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < length; t++) {
            int idx = caption[offset + t];
            if (idx == endIdx) {
                break;
            }
            if (idx == nullIdx || idx == startIdx) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(idxToWord.get(idx));
        }
        return sb.toString();
    }
}
