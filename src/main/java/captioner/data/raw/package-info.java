/**
 * Caption text and image features as a pipeline holds them, turned into a caption table: COCO annotation JSON or a
 * Parquet/CSV table of image id + caption ({@link captioner.data.raw.CocoAnnotations},
 * {@link captioner.data.raw.CaptionColumns}), a Parquet table of image id + feature vector
 * ({@link captioner.data.raw.FeatureColumns}), the tokenizer ({@link captioner.data.raw.CaptionTokenizer}), the
 * vocabulary built from training captions ({@link captioner.data.raw.VocabularyBuilder}), and the join of captions
 * with features into splits with every dropped row counted ({@link captioner.data.raw.SplitAssembler},
 * {@link captioner.data.raw.RawPrepare}).
 *
 * <p>May import {@code captioner.data} (value types, {@code SparkJobs}), {@code captioner.data.cs231n} (its
 * in-memory {@code Cs231nData}, which the table writer takes), {@code captioner.io}, {@code captioner.model}, Spark
 * SQL and Hadoop.
 */
package captioner.data.raw;
