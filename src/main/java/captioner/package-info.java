/**
 * spark-captioner: cs231n's captioning models trained data-parallel on Apache Spark.
 *
 * <p>The packages form layers, each using only itself and the ones before it (docs/architecture.md; the
 * {@code ArchitectureTest} checks it): this root package (the user-error type {@link captioner.BadInputException})
 * → {@code tensor} → {@code nn} → {@code model} → {@code optim} → {@code io} → {@code data} → {@code train} →
 * {@code eval} → {@code ml} → {@code cli}. The first four are the numeric core and know nothing of Spark or Hadoop.
 */
package captioner;
