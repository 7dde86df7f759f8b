/**
 * Using a trained sentence classifier: its scores on a split and CoLA's figures ({@link
 * captioner.eval.classify.ClassificationMetrics}: loss, accuracy, Matthews correlation, precision, recall, F1 and the
 * majority-class baseline).
 *
 * <p>Part of the {@code eval} layer: uses {@code model}, {@code data} and below; nothing of {@code cli}.
 */
package captioner.eval.classify;
