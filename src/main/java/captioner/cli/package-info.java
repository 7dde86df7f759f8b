/**
 * The {@code captioner} command line (picocli): one command class per subcommand, the options they share, and
 * {@link captioner.cli.Main}, the one place that turns failures into messages and exit codes (bad input exit 2,
 * failed runs and internal errors exit 1). Flag names live here: lower layers name the thing that is wrong, and
 * commands check their flags before calling down or put the flag in front ({@code Flags}).
 *
 * <p>Layering (tensor → nn → model → optim → io → data → train → eval → cli): the top; it may import every
 * {@code captioner} package, and nothing imports it.
 */
package captioner.cli;
