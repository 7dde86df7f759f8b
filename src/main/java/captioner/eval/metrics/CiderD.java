package captioner.eval.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CIDEr-D (Vedantam, Zitnick and Parikh, "CIDEr: Consensus-based Image Description Evaluation", CVPR 2015, with
 * the clipping and length penalty of coco-caption's scorer, which calls it CIDEr), for one image given the
 * {@link DocumentFrequencies} of the evaluated set.
 *
 * <p>A caption becomes, per order n = 1..4, a vector of TF-IDF weights: an n-gram occurring tf times weighs
 * tf · (log N − log max(1, df)), N the images of the set and df the images whose references contain the n-gram.
 * Against one reference, order n scores Σ_g min(h_g, r_g) · r_g over the hypothesis n-grams g (the clipped
 * cosine: a hypothesis cannot gain by repeating an n-gram), divided by |h| · |r| when both norms are non-zero,
 * times the Gaussian length penalty exp(−δ² / (2σ²)), σ = 6, where δ is the difference of the two captions'
 * bigram counts (words − 1, as the official code measures "length"). The image's score is the mean over n of the
 * sums over references, divided by the number of references, times 10. A set's score is the mean over images.
 *
 * <p>One image alone scores 0: N = 1 and every reference n-gram has df = 1, so every weight is log 1 − log 1.
 */
public final class CiderD {
    /** Standard deviation of the length penalty. */
    public static final double SIGMA = 6;

    private final DocumentFrequencies frequencies;
    private final double logImages;

    public CiderD(DocumentFrequencies frequencies) {
        if (frequencies.images() < 1) {
            throw new IllegalArgumentException("document frequencies of no images");
        }
        this.frequencies = frequencies;
        this.logImages = Math.log((double) frequencies.images());
    }

    /** One image's CIDEr-D (on the 0–10 scale, as the official scorer reports it). */
    public double score(String[] hypothesis, List<String[]> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a hypothesis needs at least one reference");
        }
        Vectors hyp = new Vectors(hypothesis);
        double[] sums = new double[NGrams.MAX_ORDER];
        for (String[] reference : references) {
            Vectors ref = new Vectors(reference);
            double delta = hyp.length - ref.length;
            double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
            for (int n = 0; n < NGrams.MAX_ORDER; n++) {
                double v = 0;
                Map<String, Double> r = ref.weights.get(n);
                for (Map.Entry<String, Double> g : hyp.weights.get(n).entrySet()) {
                    double rw = r.getOrDefault(g.getKey(), 0.0);
                    v += Math.min(g.getValue(), rw) * rw;
                }
                if (hyp.norms[n] != 0 && ref.norms[n] != 0) {
                    v /= hyp.norms[n] * ref.norms[n];
                }
                sums[n] += v * penalty;
            }
        }
        double mean = 0;
        for (double s : sums) {
            mean += s;
        }
        mean /= NGrams.MAX_ORDER;
        return mean / references.size() * 10.0;
    }

    /** A caption's TF-IDF vectors per order, their norms, and its "length" (its bigram count). */
    private final class Vectors {
        final List<Map<String, Double>> weights = new ArrayList<>(NGrams.MAX_ORDER);
        final double[] norms = new double[NGrams.MAX_ORDER];
        final int length;

        Vectors(String[] tokens) {
            List<Map<String, Integer>> counts = NGrams.count(tokens);
            for (int n = 0; n < NGrams.MAX_ORDER; n++) {
                Map<String, Double> w = new LinkedHashMap<>();
                double squares = 0;
                for (Map.Entry<String, Integer> g : counts.get(n).entrySet()) {
                    double idf = logImages - Math.log(Math.max(1.0, frequencies.of(g.getKey())));
                    double weight = g.getValue() * idf;
                    w.put(g.getKey(), weight);
                    squares += weight * weight;
                }
                weights.add(w);
                norms[n] = Math.sqrt(squares);
            }
            length = Math.max(0, tokens.length - 1);
        }
    }
}
