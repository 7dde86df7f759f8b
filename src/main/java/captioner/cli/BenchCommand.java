package captioner.cli;

import captioner.BadInputException;
import captioner.eval.ModelFile;
import captioner.model.CaptionGenerator;
import captioner.model.CaptionSpec;
import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.ModelConfig;
import captioner.model.TransformerConfig;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Blas;
import captioner.tensor.DType;
import captioner.tensor.FloatMath;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Times single-process training steps (loss, backward, Adam) of the cs231n configuration: the CaptioningRNN's
 * (rnn, lstm) or the CaptioningTransformer's (without dropout, which adds only elementwise work).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps (loss + backward + Adam) in one process; prints captions/s and GFLOP/s.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--cell", description = "rnn, lstm, both (rnn and lstm) or transformer (default: ${DEFAULT-VALUE}).",
            defaultValue = "both")
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

    @Option(names = "--layers", description = "Transformer decoder layers L (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + TransformerConfig.DEFAULT_LAYERS)
    int layers;

    @Option(names = "--heads", description = "Transformer attention heads, dividing --wordvec (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + TransformerConfig.DEFAULT_HEADS)
    int heads;

    @Option(names = "--ffn", description = "Transformer feed-forward width F (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + TransformerConfig.DEFAULT_FFN)
    int ffn;

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

    @Option(names = "--init", paramLabel = "CKPT", description = "Time this checkpoint's model (a model.h5 or checkpoint "
            + "that train wrote; its cell and sizes, which override --cell, --vocab, --input-dim, --wordvec and --hidden) "
            + "instead of a fresh initialisation.")
    String init;

    @Option(names = "--data", paramLabel = "DIR|TABLE", description = "Time captions and features of this dataset's "
            + "training split ('embedded' for the embedded default dataset) instead of random ones; with --init it "
            + "must be the model's data.")
    String data;

    @Option(names = "--write-ref", paramLabel = "DIR", description = "Also write the timed parameters and batch as "
            + ".npy files (cs231n layout) into DIR, for the libtorch peer's --ref; one cell only.")
    String writeRef;

    @Option(names = "--probe-seconds", description = "Length of the SGEMM rate probe that every figure is measured "
            + "against; 0 skips it (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    double probeSeconds;

    @Option(names = "--tasks", description = "Split each step's captions over this many threads, each with a model of "
            + "its own on the shared parameters, their gradients summed in order before the update: the compute of a "
            + "local[K] training iteration without Spark, as train-vs-bench compares (default: ${DEFAULT-VALUE}: one "
            + "process-wide step; submit/captioner then gives OpenBLAS one thread).", defaultValue = "1")
    int tasks;

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
        if (batchSize < 1 || captionLength < 2 || warmup < 0 || seconds <= 0 || jitWarmup < 0 || probeSeconds < 0
                || tasks < 1 || tasks > batchSize) {
            throw new BadInputException("--batch-size must be >= 1, --caption-length >= 2, --warmup >= 0, "
                    + "--jit-warmup >= 0, --seconds > 0, --probe-seconds >= 0 and --tasks 1 to --batch-size");
        }
        if (spark && tasks != 1) {
            throw new BadInputException("--tasks is for single-process steps; with --spark, --master local[K] and "
                    + "--partitions set the tasks");
        }
        if (writeRef != null && init == null && cells.size() != 1) {
            throw new BadInputException("--write-ref writes one model; expected --cell rnn or --cell lstm, or --init");
        }
        if (spark && (init != null || data != null || writeRef != null)) {
            throw new BadInputException("--init, --data and --write-ref are for single-process steps; expected them without --spark");
        }
        if (spark && cells.contains(CellType.TRANSFORMER)) {
            throw new BadInputException("--spark times the rnn and lstm loops; expected --cell rnn, lstm or both (a "
                    + "transformer run's own progress lines give its captions/s on Spark)");
        }
        System.out.printf("BLAS %s, float32 math %s, %d cores%n", Blas.describe(), FloatMath.implementation(),
                Runtime.getRuntime().availableProcessors());
        if (spark) {
            return benchSpark(cells);
        }
        ModelFile model = init == null ? null : ModelFile.read("--init", init, new org.apache.hadoop.conf.Configuration());
        BenchBatch.Source source = data == null ? null : BenchBatch.Source.load(data, model);
        double rate = probeSeconds == 0 ? Double.NaN : Blas.sgemmGflops(PROBE_SIZE, probeSeconds);
        if (probeSeconds > 0) {
            System.out.printf("SGEMM probe: %.1f GFLOP/s (%d x %d x %d, float32, best of %.0f s)%n", rate, PROBE_SIZE,
                    PROBE_SIZE, PROBE_SIZE, probeSeconds);
        }
        List<CaptionSpec> configs = model != null ? List.of(model.config()) : cells.stream().map(c -> source == null
                ? spec(c, vocab, inputDim, 0, 1, 2)
                : spec(c, source.vocab().size(), source.shard().featureDim(), source.vocab().nullIdx(),
                        source.vocab().startIdx(), source.vocab().endIdx())).toList();
        for (CaptionSpec config : configs) {
            Tensor params = model != null ? model.checkpoint().params().copy(type) : config.initialParams(type, 1);
            BenchBatch batch = source != null ? source.batch(batchSize, type)
                    : BenchBatch.random(config, batchSize, captionLength, type);
            List<CaptionGenerator<?>> timed = IntStream.range(0, tasks)
                    .<CaptionGenerator<?>>mapToObj(t -> config.newModel(params)).toList();
            if (writeRef != null) {
                if (!(timed.get(0) instanceof CaptioningModel rnn)) {
                    throw new BadInputException("--write-ref writes cs231n's CaptioningRNN parameters; the libtorch "
                            + "peer has no transformer, so expected an rnn or lstm model");
                }
                NpyFiles.write(java.nio.file.Path.of(writeRef), rnn, batch);   // before the steps change params
            }
            double captionsPerSecond = measure(timed, batch);
            double flops = config.flopsPerCaption(batch.captionLength() - 1);
            double gflops = captionsPerSecond * flops / 1e9;
            // The transformer's line names its sizes: its FLOPs depend on L, F and T as well as the widths.
            String label = config instanceof TransformerConfig ? config.summary() + ")" : config.cell().label();
            System.out.printf("%-4s %8.1f captions/s  %7.1f GFLOP/s%s  (%.3g FLOP/caption, %.1f ms/step, N=%d%s, %s, %s, %s)%n",
                    label, captionsPerSecond, gflops,
                    Double.isNaN(rate) ? "" : String.format(" = %.2f of SGEMM", gflops / rate), flops,
                    1000.0 * batchSize / captionsPerSecond, batchSize, tasks == 1 ? "" : " over " + tasks + " tasks",
                    type.label(),
                    model != null ? "parameters of " + init : "fresh initialisation", batch.describe());
        }
        return 0;
    }

    /** The model the size flags describe for {@code cell}, with the given vocabulary and special tokens. */
    private CaptionSpec spec(CellType cell, int v, int d, int nullIdx, int startIdx, int endIdx) {
        if (cell == CellType.TRANSFORMER) {
            return new TransformerConfig(v, d, wordvec, ffn, layers, heads, TransformerConfig.DEFAULT_ACTIVATION, 0,
                    Math.max(TransformerConfig.DEFAULT_MAX_LENGTH, captionLength - 1), nullIdx, startIdx, endIdx);
        }
        return new ModelConfig(cell, v, d, wordvec, hidden, nullIdx, startIdx, endIdx);
    }

    /** Side of the square SGEMM that the rate probe times: large enough for OpenBLAS's peak, a few ms a call. */
    private static final int PROBE_SIZE = 1024;

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

    /**
     * Captions per second of training steps on one batch, split over {@code models} (one per task, on shared
     * parameters): the tasks' losses and gradients in parallel, their sum in task order, one Adam update.
     */
    private double measure(List<CaptionGenerator<?>> models, BenchBatch batch) {
        CaptionGenerator<?> first = models.get(0);
        UpdateRule adam = UpdateRuleType.ADAM.create(first.layout().size(), first.dtype());
        Kernels k = Kernels.of(first.dtype());
        int n = models.size();
        List<Tensor> grads = new ArrayList<>();
        List<Runnable> shares = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            // As the training plan splits a batch: the first (N mod n) tasks take one caption more.
            int size = batch.size() / n + (t < batch.size() % n ? 1 : 0);
            int from = t * (batch.size() / n) + Math.min(t, batch.size() % n);
            BenchBatch share = n == 1 ? batch : batch.rows(from, size);
            CaptionGenerator<?> model = models.get(t);
            Tensor g = first.layout().zeros(first.dtype());
            grads.add(g);
            shares.add(() -> {
                g.fill(0);
                model.loss(share.features(), share.captions(), share.captionLength(), g);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        Runnable step = () -> {
            if (n == 1) {
                shares.get(0).run();
            } else {
                CompletableFuture.allOf(shares.stream().map(r -> CompletableFuture.runAsync(r, pool))
                        .toArray(CompletableFuture[]::new)).join();
            }
            for (int t = 1; t < n; t++) {
                k.axpy(1, grads.get(t), grads.get(0));
            }
            adam.update(first.params(), grads.get(0), 5e-3);
        };
        try {
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            int steps = 0;
            do {
                step.run();
                steps++;
            } while (System.nanoTime() < deadline);
            double elapsed = (System.nanoTime() - start) / 1e9;
            return steps * (double) batch.size() / elapsed;
        } finally {
            pool.shutdownNow();
        }
    }
}
