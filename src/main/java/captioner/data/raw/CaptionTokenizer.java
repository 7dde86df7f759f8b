package captioner.data.raw;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a caption into words, the same way for training captions and for a reused vocabulary:
 * <ol>
 *   <li>lower-case ({@link Locale#ROOT}, so the result does not depend on the machine's locale);</li>
 *   <li>apostrophes ({@code '} U+0027 and {@code ’} U+2019) are deleted: {@code man's} becomes {@code mans};</li>
 *   <li>every other character that is not a letter or a digit ({@link Character#isLetterOrDigit(int)}: punctuation,
 *       symbols, control characters) becomes a space: {@code t-shirt,} becomes {@code t shirt};</li>
 *   <li>the rest is split on runs of whitespace, and empty pieces are dropped.</li>
 * </ol>
 * A caption with no letters or digits has no words (an "empty caption").
 */
public final class CaptionTokenizer {
    private CaptionTokenizer() {
    }

    public static List<String> words(String caption) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        String lower = caption.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); ) {
            int c = lower.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\'' || c == '\u2019') {
                continue;
            }
            if (Character.isLetterOrDigit(c)) {
                word.appendCodePoint(c);
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }
}
