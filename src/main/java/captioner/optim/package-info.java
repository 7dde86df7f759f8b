/**
 * The update rules of cs231n's {@code optim.py} (sgd, sgd_momentum, rmsprop, adam), applied in place to the flat
 * parameter vector, with their memory exposed for checkpoints. {@link captioner.optim.UpdateRuleType} names them
 * and makes them.
 *
 * <p>Layering (tensor → nn → model → optim → io → data → train → eval → cli): imports {@code captioner.tensor} and
 * {@link captioner.BadInputException} only.
 */
package captioner.optim;
