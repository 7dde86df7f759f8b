/**
 * The command line: one picocli command per job, the flags and their checks (made before Spark starts, with the
 * same Hadoop configuration the run uses: {@link captioner.cli.SparkSessions#hadoopConfiguration}), and the one
 * place that turns failures into messages and exit codes ({@link captioner.cli.Main}).
 *
 * <p>May import every other package of the product.
 */
package captioner.cli;
