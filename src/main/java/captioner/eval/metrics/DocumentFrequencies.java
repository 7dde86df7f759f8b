package captioner.eval.metrics;

import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D's corpus-level aggregate: for every n-gram (orders 1..4), the number of images whose reference captions
 * contain it (each image counts once however many of its references do), and the number of images. Integer
 * counts, so sets of images can be counted apart (one Spark partition each) and {@link #merge}d in any order with
 * the same result. Computed over the references only, as the official scorer does: a hypothesis n-gram absent
 * from every reference has frequency 0.
 */
public final class DocumentFrequencies implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HashMap<String, Integer> counts = new HashMap<>();
    private long images;

    /** No images yet. */
    public DocumentFrequencies() {
    }

    /** Adds one image's reference captions; returns this. */
    public DocumentFrequencies add(List<String[]> references) {
        Set<String> seen = new HashSet<>();
        for (String[] reference : references) {
            for (Map<String, Integer> order : NGrams.count(reference)) {
                seen.addAll(order.keySet());
            }
        }
        for (String g : seen) {
            counts.merge(g, 1, Integer::sum);
        }
        images++;
        return this;
    }

    /** Adds {@code other}'s counts into this; returns this. */
    public DocumentFrequencies merge(DocumentFrequencies other) {
        other.counts.forEach((g, c) -> counts.merge(g, c, Integer::sum));
        images += other.images;
        return this;
    }

    /** Images whose references contain {@code ngram} (its words joined by single spaces). */
    public int of(String ngram) {
        return counts.getOrDefault(ngram, 0);
    }

    /** Images added. */
    public long images() {
        return images;
    }

    /** Distinct n-grams seen. */
    public int size() {
        return counts.size();
    }
}
