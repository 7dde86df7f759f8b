/**
 * The sentence-classification data of seed 004: labelled sentences of token indices ({@link
 * captioner.data.classify.SentenceSplit}) with their vocabulary ({@link captioner.data.classify.SentenceData}), read
 * from the seed's own files ({@link captioner.data.classify.SeedFiles}: {@code train_inxs.npy}, {@code
 * train_labels.npy}, {@code val_inxs.npy}, {@code val_labels.npy}, {@code word_to_ix.csv}) in a local directory or
 * under any Hadoop URI.
 *
 * <p>Part of the {@code data} layer: uses {@code captioner.io} and below.
 */
package captioner.data.classify;
