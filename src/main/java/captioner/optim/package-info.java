/**
 * cs231n's update rules (SGD, SGD with momentum, RMSProp, Adam) over one flat parameter array and flat state
 * arrays, so one update is one pass.
 *
 * <p>Imports {@code tensor} only.
 */
package captioner.optim;
