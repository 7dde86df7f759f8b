package captioner.cli;

import captioner.BadInputException;
import captioner.eval.Bleu;
import picocli.CommandLine.Option;

/** The options evaluate and report share about what is scored and how. */
final class EvaluationOptions {
    @Option(names = "--max", paramLabel = "N",
            description = "Evaluate the first N images of the split (all their captions); default: every image.")
    Integer max;

    @Option(names = "--length-penalty", paramLabel = "A", defaultValue = "0",
            description = "Beam search ranks finished captions by log-probability / tokens^A (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--smoothing", paramLabel = "METHOD", defaultValue = "none",
            description = "Corpus BLEU smoothing: none or method1 (NLTK's SmoothingFunction().method1, epsilon 0.1) "
                    + "(default: ${DEFAULT-VALUE}).")
    String smoothing;

    /** Checks what the flags alone decide, before Spark starts; returns the smoothing they name. */
    Bleu.Smoothing check() {
        if (max != null && max < 1) {
            throw new BadInputException("--max is " + max + "; expected at least 1 image");
        }
        return Bleu.Smoothing.parse(smoothing);
    }
}
