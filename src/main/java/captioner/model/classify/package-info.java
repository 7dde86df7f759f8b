/**
 * Seed 004's sentence classifier: {@link captioner.model.classify.ClassificationTransformer} (a one-layer
 * Transformer encoder over token and learned position embeddings, judged by a sigmoid at position 0), its sizes
 * and flat layout under the seed's PyTorch {@code state_dict} names ({@link captioner.model.classify.ClassifierConfig}),
 * and its parameters read from an HDF5 state_dict ({@link captioner.model.classify.ClassifierParams}).
 *
 * <p>Part of the {@code model} layer: uses {@code captioner.tensor}, {@code captioner.nn}, {@code captioner.model}
 * and jHDF; never Spark or Hadoop.
 */
package captioner.model.classify;
