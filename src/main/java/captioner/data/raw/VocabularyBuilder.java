package captioner.data.raw;

import captioner.model.Vocabulary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of a set of training captions: {@code <NULL>}, {@code <START>}, {@code <END>}, {@code <UNK>} at
 * indices 0–3 (cs231n's order), then the {@code maxWords} most frequent words that occur at least
 * {@code minWordCount} times, most frequent first; words equally frequent are in {@link String#compareTo} order, so
 * the same captions always give the same indices. Every word of a caption counts, also past the caption length.
 */
public final class VocabularyBuilder {
    /** cs231n's COCO vocabulary has 1,000 words besides the four special tokens. */
    public static final int DEFAULT_MAX_WORDS = 1000;
    public static final int DEFAULT_MIN_WORD_COUNT = 1;

    private final Map<String, Integer> counts = new HashMap<>();

    public void add(List<String> words) {
        for (String w : words) {
            counts.merge(w, 1, Integer::sum);
        }
    }

    /** Distinct words seen so far. */
    public int distinctWords() {
        return counts.size();
    }

    public Vocabulary build(int maxWords, int minWordCount, String source) {
        if (maxWords < 1 || minWordCount < 1) {
            throw new IllegalArgumentException("maxWords " + maxWords + ", minWordCount " + minWordCount);
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minWordCount && !isSpecial(e.getKey())) {
                kept.add(e);
            }
        }
        kept.sort(Comparator.comparing((Map.Entry<String, Integer> e) -> -e.getValue())
                .thenComparing(Map.Entry::getKey));
        List<String> words = new ArrayList<>(List.of(Vocabulary.NULL, Vocabulary.START, Vocabulary.END,
                Vocabulary.UNK));
        for (int i = 0; i < Math.min(maxWords, kept.size()); i++) {
            words.add(kept.get(i).getKey());
        }
        return new Vocabulary(words, source);
    }

    // The tokenizer never yields '<' or '>', so this only guards direct callers.
    private static boolean isSpecial(String w) {
        return w.equals(Vocabulary.NULL) || w.equals(Vocabulary.START) || w.equals(Vocabulary.END)
                || w.equals(Vocabulary.UNK);
    }
}
