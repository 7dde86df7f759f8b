/**
 * The captioning model: cs231n's {@code CaptioningRNN} over one flat parameter vector
 * ({@link captioner.model.ParamLayout} names each parameter's view), its sizes
 * ({@link captioner.model.ModelConfig}), the vocabulary, decoding state, gradient checks, checkpoint files
 * ({@link captioner.model.Checkpoint}, HDF5 readable by h5py) and the one check that a model fits the data
 * ({@link captioner.model.ModelFit}).
 *
 * <p>Layering (tensor → nn → model → optim → io → data → train → eval → cli): imports {@code captioner.tensor},
 * {@code captioner.nn}, {@link captioner.BadInputException} and jHDF; never Spark, Hadoop or a layer above.
 * Sizes and files a user gives are bad input, named in domain terms ("hidden size H 0"); flags are named in
 * {@code cli}.
 */
package captioner.model;
