package captioner.cli;

import captioner.BadInputException;
import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.ModelConfig;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Blas;
import captioner.tensor.DType;
import captioner.tensor.FloatMath;
import captioner.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/** Times single-process training steps (loss, backward, Adam) of the cs231n configuration. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps (loss + backward + Adam) in one process; prints captions/s and GFLOP/s.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--cell", description = "rnn, lstm or both (default: ${DEFAULT-VALUE}).", defaultValue = "both")
    String cell;

    @Option(names = "--batch-size", description = "Captions per step, N (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int batchSize;

    @Option(names = "--vocab", description = "Vocabulary size V (default: ${DEFAULT-VALUE}).", defaultValue = "1004")
    int vocab;

    @Option(names = "--input-dim", description = "Feature width D (default: ${DEFAULT-VALUE}).", defaultValue = "512")
    int inputDim;

    @Option(names = "--wordvec", description = "Word vector width W (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int wordvec;

    @Option(names = "--hidden", description = "Hidden width H (default: ${DEFAULT-VALUE}).", defaultValue = "512")
    int hidden;

    @Option(names = "--caption-length", description = "Tokens per caption incl. <START> (default: ${DEFAULT-VALUE}).",
            defaultValue = "17")
    int captionLength;

    @Option(names = "--dtype", description = "float32 or float64 (default: ${DEFAULT-VALUE}).", defaultValue = "float32")
    String dtype;

    @Option(names = "--warmup", description = "Untimed steps first (default: ${DEFAULT-VALUE}).", defaultValue = "15")
    int warmup;

    @Option(names = "--seconds", description = "Time each cell for about this long (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double seconds;

    @Option(names = "--spark", description = "Time the Spark training loop (local mode) instead of single-process steps.")
    boolean spark;

    @Option(names = "--master", description = "Spark master for --spark (default: local[*]).")
    String master;

    @Option(names = "--partitions", description = "Partitions for --spark (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--iterations", description = "Timed iterations for --spark (default: ${DEFAULT-VALUE}).",
            defaultValue = "40")
    int iterations;

    @Option(names = "--jit-warmup", description = "For --spark: iterations of 2 captions per partition run first, so "
            + "that Spark's per-job code is JIT-compiled as it is some minutes into a real run; 0 times a cold start "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    int jitWarmup;

    @Override
    public Integer call() {
        DType type = Flags.parse("--dtype", dtype, DType::parse);
        List<CellType> cells = cell.equalsIgnoreCase("both") ? List.of(CellType.LSTM, CellType.RNN) : List.of(Flags.parse("--cell", cell, CellType::parse));
        if (batchSize < 1 || captionLength < 2 || warmup < 0 || seconds <= 0 || jitWarmup < 0) {
            throw new BadInputException("--batch-size must be >= 1, --caption-length >= 2, --warmup >= 0, "
                    + "--jit-warmup >= 0 and --seconds > 0");
        }
        System.out.printf("BLAS %s, float32 math %s, %d cores, OPENBLAS_CORETYPE=%s%n", Blas.implementation(),
                FloatMath.implementation(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(auto)"));
        if (spark) {
            return benchSpark(cells);
        }
        for (CellType c : cells) {
            ModelConfig config = new ModelConfig(c, vocab, inputDim, wordvec, hidden, 0, 1, 2);
            double flops = config.flopsPerCaption(captionLength - 1);
            double[] r = measure(config, type);
            System.out.printf("%-4s %8.1f captions/s  %7.1f GFLOP/s  (%.3g FLOP/caption, %.1f ms/step, N=%d, %s)%n",
                    c.label(), r[0], r[0] * flops / 1e9, flops, 1000.0 * batchSize / r[0], batchSize, type.label());
        }
        return 0;
    }

    private int benchSpark(List<CellType> cells) {
        SparkSessions.with(master, "captioner bench", session -> {
            int p = partitions == null ? session.sparkContext().defaultParallelism() : partitions;
            java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            if (jitWarmup > 0) {
                long start = System.nanoTime();
                captioner.train.SparkBenchmark.Result w = captioner.train.SparkBenchmark.warmUp(session, cells.get(0),
                        vocab, inputDim, wordvec, hidden, captionLength, p, jitWarmup);
                System.out.printf("JIT warm-up: %d iterations of 2 captions per partition in %.1f s (median overhead "
                        + "%.1f ms)%n", jitWarmup, (System.nanoTime() - start) / 1e9, w.overheadMs());
            }
            for (CellType c : cells) {
                // Enough captions per partition that a minibatch share is always a small fraction of it.
                captioner.train.SparkBenchmark.Result r = captioner.train.SparkBenchmark.run(session, c, vocab, inputDim,
                        wordvec, hidden, captionLength, batchSize, p, Math.max(10 * batchSize, 1000), warmup, iterations, quiet);
                System.out.println(captioner.train.SparkBenchmark.describe(c, session.sparkContext().master(), p, r));
            }
            return null;
        });
        return 0;
    }

    /** Returns {captions per second}. */
    private double[] measure(ModelConfig config, DType type) {
        Random rng = new Random(1);
        CaptioningModel model = CaptioningModel.initialized(config, type, 1);
        UpdateRule adam = UpdateRuleType.ADAM.create(model.layout().size(), type);
        Tensor grads = model.layout().zeros(type);
        Tensor features = Tensor.zeros(type, batchSize, config.inputDim());
        for (int i = 0; i < features.size(); i++) {
            features.set(i, rng.nextGaussian());
        }
        int[] captions = new int[batchSize * captionLength];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = rng.nextInt(config.vocabSize());
        }
        for (int i = 0; i < warmup; i++) {
            step(model, adam, grads, features, captions);
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int steps = 0;
        do {
            step(model, adam, grads, features, captions);
            steps++;
        } while (System.nanoTime() < deadline);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new double[] {steps * (double) batchSize / elapsed};
    }

    private void step(CaptioningModel model, UpdateRule adam, Tensor grads, Tensor features, int[] captions) {
        grads.fill(0);
        model.loss(features, captions, captionLength, grads);
        adam.update(model.params(), grads, 5e-3);
    }
}
