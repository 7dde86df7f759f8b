/**
 * The synchronous data-parallel training loop on Spark: parameters to every partition, per-partition summed
 * gradients, a reduction in a fixed order, the update on the driver; and the run directory it writes.
 *
 * <p>Imports {@code tensor}, {@code model}, {@code optim}, {@code io} and {@code data}.
 */
package captioner.train;
