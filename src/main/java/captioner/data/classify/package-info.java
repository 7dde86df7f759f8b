/**
 * The sentence-classification data of seed 004: labelled sentences of token indices ({@link
 * captioner.data.classify.SentenceSplit}) with their vocabulary ({@link captioner.data.classify.SentenceData}), read
 * from the seed's own files ({@link captioner.data.classify.SeedFiles}: {@code train_inxs.npy}, {@code
 * train_labels.npy}, {@code val_inxs.npy}, {@code val_labels.npy}, {@code word_to_ix.csv}) in a local directory or
 * under any Hadoop URI, or from the Parquet sentence table ({@link captioner.data.classify.SentenceTableSchema},
 * written by {@link captioner.data.classify.SentenceTableWriter}, read on Spark by
 * {@link captioner.data.classify.SentenceTableReader}); {@link captioner.data.classify.ColaPrepare} makes them from
 * CoLA's own TSV files as the seed's data was made.
 *
 * <p>Part of the {@code data} layer: uses {@code captioner.io} and below.
 */
package captioner.data.classify;
