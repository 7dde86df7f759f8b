/**
 * Using a trained model: decoders (greedy, beam search, temperature sampling), caption metrics, the evaluation
 * of a whole split on Spark, and the self-contained HTML report of a run.
 *
 * <p>Imports {@code tensor}, {@code model}, {@code io}, {@code data} and {@code train} (the run layout it reads);
 * nothing of {@code cli}: flags are validated there.
 */
package captioner.eval;
