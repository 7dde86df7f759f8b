/**
 * Synchronous data-parallel training on Spark: the solver loop ({@link captioner.train.Trainer}), the gradient rounds
 * and reduction, and the run directory it writes (checkpoints, model, metrics, run.json, loss plot), every file
 * through {@code captioner.io}.
 *
 * <p>May import {@code captioner.data}, {@code captioner.io}, {@code captioner.optim} and below, Spark and Hadoop;
 * never {@code eval} or {@code cli}.
 */
package captioner.train;
