package captioner.eval.metrics;

/**
 * The MS-COCO caption metrics of one image ({@link ImageScores}) or a set of images ({@link CocoScores}): BLEU-n
 * for n = 1..4, ROUGE-L, and CIDEr-D on the official 0–10 scale.
 */
public interface CocoFigures {
    /** coco BLEU-n, n = 1..4. */
    double bleu(int n);

    double rougeL();

    double ciderD();
}
