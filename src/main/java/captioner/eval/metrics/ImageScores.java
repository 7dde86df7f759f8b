package captioner.eval.metrics;

import java.io.Serializable;
import java.util.List;

/**
 * One image's scores under the MS-COCO caption metrics: its own coco BLEU-1..4 (the scorer's sentence-level
 * values, which papers do not report: they report corpus BLEU), ROUGE-L and CIDEr-D, and the BLEU counts the
 * corpus figure sums. A plain class: Spark's Kryo (4.x) cannot build records.
 */
public final class ImageScores implements CocoFigures, Serializable {
    private static final long serialVersionUID = 1L;

    private final CocoBleu.Counts bleuCounts;
    private final double[] bleu;
    private final double rougeL;
    private final double ciderD;

    private ImageScores(CocoBleu.Counts bleuCounts, double rougeL, double ciderD) {
        this.bleuCounts = bleuCounts;
        this.bleu = bleuCounts.scores();
        this.rougeL = rougeL;
        this.ciderD = ciderD;
    }

    /** Scores {@code hypothesis} (tokens) against {@code references}, CIDEr-D with the set's frequencies. */
    public static ImageScores of(String[] hypothesis, List<String[]> references, CiderD cider) {
        return new ImageScores(CocoBleu.of(hypothesis, references), RougeL.score(hypothesis, references),
                cider.score(hypothesis, references));
    }

    public CocoBleu.Counts bleuCounts() {
        return bleuCounts;
    }

    /** The image's own (sentence-level) coco BLEU-n. */
    @Override
    public double bleu(int n) {
        return bleu[n - 1];
    }

    @Override
    public double rougeL() {
        return rougeL;
    }

    @Override
    public double ciderD() {
        return ciderD;
    }
}
