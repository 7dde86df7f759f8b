/**
 * Using a trained model: decoding (greedy, beam search, sampling), loss and BLEU over a split on Spark, and the
 * files that evaluate, sample and report read and write (model files, run files, outputs through
 * {@code captioner.io}).
 *
 * <p>May import {@code captioner.train}, {@code captioner.data}, {@code captioner.io} and below, Spark and Hadoop;
 * never {@code cli}.
 */
package captioner.eval;
