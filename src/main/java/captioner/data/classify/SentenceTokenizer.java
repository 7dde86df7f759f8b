package captioner.data.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of a sentence as seed 004's CoLA data has them (its author's preprocessing: Python's
 * {@code text.translate(str.maketrans('', '', string.punctuation)).lower().split()}): ASCII punctuation deleted, not
 * replaced ("don't" is "dont", "well-known" "wellknown"), lower-cased, split at runs of whitespace.
 */
public final class SentenceTokenizer {
    /** Python's {@code string.punctuation}. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SentenceTokenizer() {
    }

    public static List<String> words(String sentence) {
        StringBuilder kept = new StringBuilder(sentence.length());
        for (int i = 0; i < sentence.length(); i++) {
            char c = sentence.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                kept.append(c);
            }
        }
        List<String> words = new ArrayList<>();
        for (String w : kept.toString().toLowerCase(Locale.ROOT).split("(?U)\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }
}
