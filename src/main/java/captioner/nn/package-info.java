/**
 * Layers with forward and analytic backward passes, cs231n's semantics and names: affine maps, word embeddings,
 * the vanilla RNN and the LSTM (gate order i, f, o, g; time-major inside), and the masked temporal softmax loss.
 * A layer keeps the cache its backward needs, writes its outputs into buffers it reuses, and adds parameter
 * gradients into views the caller owns. Every backward pass is checked against numeric gradients in float64.
 *
 * <p>Imports {@code tensor} only.
 */
package captioner.nn;
