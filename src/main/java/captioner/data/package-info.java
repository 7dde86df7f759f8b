/**
 * What training and evaluation consume: {@link captioner.data.TrainingData} opens a caption table, a cs231n directory
 * or the embedded default dataset and cuts a split into deterministic per-partition
 * {@link captioner.data.CaptionShard}s; {@link captioner.data.ImageCaptions} holds the reference captions per image;
 * {@link captioner.data.SparkJobs} is the one translation of failed Spark jobs into user messages (data, train and
 * eval use it); {@link captioner.data.TableJson} writes and reads the frame every table's {@code table.json} shares,
 * {@link captioner.data.JsonFields} checks its fields and {@link captioner.data.RowCount} counts the rows a prepare
 * left out, one way for every table. The
 * formats live in sub-packages: {@code cs231n} (the HDF5 directory), {@code table} (the Parquet caption table),
 * {@code synthetic} (the embedded dataset and its generator), {@code classify} (labelled sentences: the seed's
 * files and the sentence table).
 *
 * <p>May import {@code captioner.io}, {@code captioner.model} and below, Spark and Hadoop; never {@code train},
 * {@code eval} or {@code cli}. The sub-packages use this package's value types (splits, feature kind, vocabulary
 * JSON); of this package only {@code TrainingData} opens the sub-packages.
 */
package captioner.data;
