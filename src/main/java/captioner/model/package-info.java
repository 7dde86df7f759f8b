/**
 * cs231n's {@code CaptioningRNN}: its configuration, the flat parameter layout with cs231n's names and shapes,
 * initialisation, loss and gradients, step-wise decoding, the vocabulary, HDF5 checkpoints, and numeric gradient
 * checks.
 *
 * <p>Imports {@code tensor} and {@code nn}; no Spark, no Hadoop.
 */
package captioner.model;
