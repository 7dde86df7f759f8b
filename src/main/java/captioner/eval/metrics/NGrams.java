package captioner.eval.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The n-gram counts of a token sequence for orders 1..{@link #MAX_ORDER}, each order's n-grams in order of first
 * occurrence (so sums over them run in the official scorers' order). An n-gram's key is its tokens joined by
 * single spaces: tokens never contain whitespace, so keys are distinct exactly when n-grams are.
 */
final class NGrams {
    /** BLEU-4 and CIDEr-D both use n-grams up to 4 words. */
    static final int MAX_ORDER = 4;

    private NGrams() {
    }

    /** Element n-1: the counts of the n-grams of {@code tokens}. */
    static List<Map<String, Integer>> count(String[] tokens) {
        List<Map<String, Integer>> out = new ArrayList<>(MAX_ORDER);
        for (int n = 1; n <= MAX_ORDER; n++) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i + n <= tokens.length; i++) {
                counts.merge(String.join(" ", java.util.Arrays.asList(tokens).subList(i, i + n)), 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }
}
