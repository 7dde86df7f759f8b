/**
 * Training on Spark: a solver plus listeners. {@link captioner.train.Trainer} computes the iterations
 * (data-parallel gradients through an ordered reduction tree, the update on the driver) and publishes events to
 * {@link captioner.train.TrainingListener}s: the metrics log, checkpoints and final model, loss plot and progress
 * lines are listeners, and so is the benchmark ({@link captioner.train.SparkBenchmark}).
 * {@link captioner.train.TrainConfig} is the one typed, validated training configuration;
 * {@link captioner.train.RunLayout} is the run directory's public layout (file names, metric keys, run.json keys)
 * that {@code eval}, {@code report} and the benchmark read through.
 *
 * <p>Layering (tensor → nn → model → optim → io → data → train → eval → cli): imports {@code captioner.tensor},
 * {@code model}, {@code optim}, {@code io} and {@code data}, Spark, Hadoop, Jackson and JFreeChart; never
 * {@code eval} or {@code cli}. TrainConfig's messages name settings by train's flags, which are its settings'
 * names in kebab case ({@code cli.TrainCommand} lists them).
 */
package captioner.train;
