package captioner.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The MS-COCO caption metrics of a set of images: coco BLEU-1..4 from the counts summed over the set, ROUGE-L
 * and CIDEr-D as means of the images' scores. The per-image scores are summed in image order, one after the
 * other, so the figures depend only on the images and not on how they were split up to be scored.
 */
public final class CocoScores implements CocoFigures {
    private final List<ImageScores> images;
    private final double[] bleu;
    private final double rougeL;
    private final double ciderD;

    /** @param images every image's scores, in image order (at least one) */
    public CocoScores(List<ImageScores> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to score");
        }
        this.images = List.copyOf(images);
        CocoBleu.Counts total = new CocoBleu.Counts();
        double rouge = 0;
        double cider = 0;
        for (ImageScores s : images) {
            total.merge(s.bleuCounts());
            rouge += s.rougeL();
            cider += s.ciderD();
        }
        bleu = total.scores();
        rougeL = rouge / images.size();
        ciderD = cider / images.size();
    }

    /**
     * Scores a set entirely here: document frequencies over all {@code references}, then every image. What the
     * Spark scoring of a split must reproduce bit for bit.
     *
     * @param hypotheses one tokenized caption per image
     * @param references each image's tokenized references (at least one)
     */
    public static CocoScores score(List<String[]> hypotheses, List<List<String[]>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size()
                    + " reference sets");
        }
        DocumentFrequencies df = new DocumentFrequencies();
        references.forEach(df::add);
        CiderD cider = new CiderD(df);
        List<ImageScores> out = new ArrayList<>(hypotheses.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            out.add(ImageScores.of(hypotheses.get(i), references.get(i), cider));
        }
        return new CocoScores(out);
    }

    /** Every image's scores, in image order. */
    public List<ImageScores> images() {
        return images;
    }

    /** Corpus coco BLEU-n: from the counts summed over the images. */
    @Override
    public double bleu(int n) {
        return bleu[n - 1];
    }

    /** Mean ROUGE-L over the images. */
    @Override
    public double rougeL() {
        return rougeL;
    }

    /** Mean CIDEr-D over the images. */
    @Override
    public double ciderD() {
        return ciderD;
    }
}
