/**
 * Layers with forward and analytic backward passes, cs231n's semantics and names: affine maps, word embeddings,
 * the vanilla RNN and the LSTM (gate order i, f, o, g; time-major inside), the masked temporal softmax loss, and
 * the Transformer's parts (PyTorch-layout {@link captioner.nn.Linear}, {@link captioner.nn.LayerNorm},
 * {@link captioner.nn.MultiHeadAttention} with causal or no mask, exact-erf GELU and ReLU, counter-based
 * {@link captioner.nn.Dropout}, sinusoidal {@link captioner.nn.PositionalEncoding}); and gradient clipping by the
 * global norm. A layer keeps the cache its backward needs, writes its outputs into buffers it reuses, and adds
 * parameter gradients into views the caller owns. Every backward pass is checked against numeric gradients in
 * float64.
 *
 * <p>Imports {@code tensor} only.
 */
package captioner.nn;
