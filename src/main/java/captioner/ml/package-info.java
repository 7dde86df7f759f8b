/**
 * The Spark ML API: {@link captioner.ml.Captioner} (an {@code Estimator} that prepares a caption table from a
 * DataFrame and runs the distributed trainer), {@link captioner.ml.CaptionerModel} (a {@code Model} whose
 * {@code transform} adds a generated caption and its log-probability, saved and loaded the Spark ML way with our
 * checkpoint inside) and {@link captioner.ml.CaptionEvaluator} (corpus BLEU or a COCO metric of a generated column
 * against references). Usable from Java and Scala; Params follow Spark ML's conventions.
 *
 * <p>May import {@code captioner.eval} and everything below it, Spark and Spark ML; never {@code cli}.
 */
package captioner.ml;
