/**
 * The command line: one class per command, the flags and their validation, and the one place
 * ({@link captioner.cli.Main}) that turns failures into messages and exit codes.
 *
 * <p>May import every other package; nothing imports it.
 */
package captioner.cli;
