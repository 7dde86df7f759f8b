/**
 * The Parquet caption table: its layout ({@link captioner.data.table.TableSchema},
 * {@link captioner.data.table.TableMetadata}), the writer ({@link captioner.data.table.TableWriter}), the
 * directory commit protocol that never leaves a partial table ({@link captioner.data.table.TableCommit}; the
 * sentence table's writer goes through it too), and the
 * reader ({@link captioner.data.table.TableReader}) with its executor-side row decoder.
 *
 * <p>May import {@code captioner.data} (value types, {@code SparkJobs}), {@code captioner.data.cs231n} (prepare reads
 * a cs231n directory), {@code captioner.io}, {@code captioner.model}, Spark SQL and Hadoop.
 */
package captioner.data.table;
