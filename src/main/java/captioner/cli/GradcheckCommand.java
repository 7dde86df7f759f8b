package captioner.cli;

import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceSplit;
import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.GradientCheck;
import captioner.model.ModelConfig;
import captioner.model.ModelFit;
import captioner.model.classify.ClassifierConfig;
import captioner.tensor.DType;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/** Checks the model's analytic gradients against numeric ones in float64, cell by cell. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check every parameter's analytic gradient against centered differences (float64).")
final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "CKPT",
            description = "Check this checkpoint or model file on captions of --data instead of a small random model.")
    String checkpoint;

    @Option(names = "--data", paramLabel = "DIR|TABLE",
            description = "Data for --checkpoint (default: the embedded default dataset).")
    String data;

    @Option(names = "--captions", paramLabel = "N", defaultValue = "4",
            description = "Training captions in the batch for --checkpoint (default: ${DEFAULT-VALUE}).")
    int captions;

    @Option(names = "--entries", paramLabel = "K", defaultValue = "25",
            description = "Entries checked per parameter for --checkpoint, drawn at random (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--cell", description = "rnn, lstm, transformer or both (rnn and lstm; default: ${DEFAULT-VALUE}).",
            defaultValue = "both")
    String cell;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "caption",
            description = "caption (default) or classify: seed 004's sentence classifier (with --checkpoint, on the "
                    + "first --captions training sentences of --data, the seed's folder or a sentence table).")
    String task;

    @Option(names = "--seed", description = "Seed of the random model and batch (default: ${DEFAULT-VALUE}).",
            defaultValue = "231")
    long seed;

    @Option(names = "--threshold", description = "Largest relative error that passes (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-5")
    double threshold;

    @Override
    public Integer call() {
        if (Flags.parse("--task", task, Task::parse) == Task.CLASSIFY) {
            if (cell != null && !cell.equalsIgnoreCase("both")) {
                throw new captioner.BadInputException("--cell is a captioning setting but --task is classify; drop it");
            }
            return report(List.of(checkpoint != null ? checkClassifierCheckpoint() : checkRandomClassifier()),
                    checkpoint != null ? "the checkpoint" : "a small random classifier");
        }
        if (checkpoint != null) {
            return report(List.of(checkCheckpoint()), "the checkpoint");
        }
        List<CellType> cells = cell.equalsIgnoreCase("both") ? List.of(CellType.RNN, CellType.LSTM) : List.of(Flags.parse("--cell", cell, CellType::parse));
        List<Checked> checked = new java.util.ArrayList<>();
        for (CellType c : cells) {
            checked.add(new Checked(c, checkRandomModel(c)));
        }
        return report(checked, "a small random model");
    }

    private record Checked(CellType cell, List<GradientCheck.Result> results) {
    }

    private int report(List<Checked> checked, String what) {
        System.out.println("gradient check of " + what + " (float64, centered differences)");
        boolean allPass = true;
        int retried = 0;
        List<String> skipped = new java.util.ArrayList<>();
        int cellWidth = 5;
        int nameWidth = 9;
        for (Checked ch : checked) {
            cellWidth = Math.max(cellWidth, ch.cell().label().length());
            for (GradientCheck.Result r : ch.results()) {
                nameWidth = Math.max(nameWidth, r.name().length());
            }
        }
        String columns = "%-" + cellWidth + "s %-" + nameWidth + "s %-10s ";
        System.out.printf(columns + "%-14s %-14s %-8s %s%n", "cell", "parameter", "shape", "max rel error",
                "max abs error", "retried", "result");
        for (Checked ch : checked) {
            CellType c = ch.cell();
            for (GradientCheck.Result r : ch.results()) {
                boolean pass = r.pass();
                allPass &= pass;
                retried += r.retried().length;
                if (r.skipped().length > 0) {
                    skipped.add(r.name() + " " + java.util.Arrays.toString(r.skipped()));
                }
                System.out.printf(columns + "%-14.3e %-14.3e %-8d %s%n", c.label(), r.name(),
                        Shapes.format(r.shape()).replace(" ", ""), r.relError(), r.absError(), r.retried().length,
                        pass ? "pass" : "FAIL");
            }
        }
        if (retried > 0) {
            System.out.printf("%d entries did not match at step %.0e and were differenced again at steps down to "
                    + "%.0e", retried, GradientCheck.MODEL_STEP,
                    GradientCheck.MODEL_STEP / Math.pow(10, GradientCheck.SMALLER_STEPS));
            System.out.println(", each judged at the first step where its one-sided differences agree (a kink such as a "
                    + "ReLU's within 2 steps of the entry mixes two slopes into a centered difference)");
        }
        if (!skipped.isEmpty()) {
            System.out.println("skipped, at a kink at every step (flat indices): " + String.join("; ", skipped));
        }
        String rule = "every entry: relative error < " + threshold + " or absolute difference < "
                + GradientCheck.ABSOLUTE_FLOOR;
        System.out.println(allPass ? "all gradients match (" + rule + ")" : "gradient check FAILED (" + rule + ")");
        return allPass ? 0 : Main.EXIT_FAILED;
    }

    /** The checkpoint's parameters (as float64) on the first {@code --captions} training captions of the data. */
    private Checked checkCheckpoint() {
        if (captions < 1 || entries < 1) {
            throw new captioner.BadInputException("--captions and --entries must be at least 1");
        }
        captioner.io.Location file = FlagFiles.existing("--checkpoint", checkpoint);
        return SparkSessions.with(null, "captioner gradcheck", spark -> {
            captioner.model.Checkpoint ckpt = captioner.io.LocalCopy.read(file,
                    p -> captioner.model.Checkpoint.read(p, checkpoint, DType.FLOAT64));
            try (captioner.data.TrainingData td = captioner.data.TrainingData.open(spark, data, null, null, seed)) {
                ModelFit.check("--checkpoint " + checkpoint, ckpt.vocab(), ckpt.model(),
                        InferenceOptions.dataName(data), td.vocab(), td.featureDim());
                captioner.data.CaptionShard shard = td.shards("train", 1).first();
                int n = Math.min(captions, shard.numCaptions());
                int length = shard.captionLength();
                int dim = shard.featureDim();
                int[] caps = java.util.Arrays.copyOf(shard.captions(), n * length);
                Tensor features = Tensor.zeros(DType.FLOAT64, n, dim);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < dim; j++) {
                        features.set(i * dim + j, shard.features()[shard.captionImage()[i] * dim + j]);
                    }
                }
                captioner.model.TrainableModel model = ckpt.model().newModel(ckpt.params());
                return new Checked(ckpt.model().cell(), GradientCheck.checkModel(model, features, caps, length,
                        GradientCheck.MODEL_STEP, threshold, entries, seed));
            }
        });
    }

    /**
     * Seed 004's classifier at PyTorch's initialisation, small (V=9, E=8, 2 heads, Dk=4, Dv=3, F=12, L=6), on 3
     * random sentences of 6 tokens and random labels.
     */
    private Checked checkRandomClassifier() {
        Random rng = new Random(seed);
        int n = 3;
        ClassifierConfig config = new ClassifierConfig(9, 8, 2, 12, 4, 3, 6);
        int length = config.maxLength();
        int[] rows = new int[n * (length + 1)];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < length; t++) {
                rows[i * (length + 1) + t] = rng.nextInt(config.vocabSize());
            }
            rows[i * (length + 1) + length] = rng.nextInt(2);
        }
        return checkClassifier(config, config.initialParams(DType.FLOAT64, seed), rows, n, length);
    }

    /** A classifier checkpoint on the first --captions training sentences of --data. */
    private Checked checkClassifierCheckpoint() {
        if (captions < 1 || entries < 1) {
            throw new captioner.BadInputException("--captions and --entries must be at least 1");
        }
        if (data == null) {
            throw new captioner.BadInputException("--task classify --checkpoint needs --data: the seed's folder "
                    + "or a sentence table");
        }
        captioner.io.Location file = FlagFiles.existing("--checkpoint", checkpoint);
        captioner.model.Checkpoint ckpt = captioner.io.LocalCopy.read(file,
                p -> captioner.model.Checkpoint.read(p, checkpoint, DType.FLOAT64));
        if (!(ckpt.model() instanceof ClassifierConfig config)) {
            throw new captioner.BadInputException("--checkpoint " + checkpoint + " holds a " + ckpt.model().cell().label()
                    + " model; expected a classifier (--task classify)");
        }
        SentenceData sentences = SentenceInput.open(data, null, "gradcheck");
        ModelFit.check("--checkpoint " + checkpoint, ckpt.vocab(), config, "--data " + data, sentences.vocabulary(),
                ClassifierConfig.FEATURE_WIDTH);
        SentenceSplit train = sentences.split(SentenceData.TRAIN);
        int n = Math.min(captions, train.size());
        int length = train.length();
        int[] rows = new int[n * (length + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(train.tokens(), i * length, rows, i * (length + 1), length);
            rows[i * (length + 1) + length] = train.labels()[i];
        }
        return checkClassifier(config, ckpt.params(), rows, n, length);
    }

    private Checked checkClassifier(ClassifierConfig config, Tensor params, int[] rows, int n, int length) {
        captioner.model.TrainableModel model = config.newModel(params);
        Tensor features = Tensor.zeros(DType.FLOAT64, n, ClassifierConfig.FEATURE_WIDTH);
        int perParameter = checkpoint != null ? entries : Integer.MAX_VALUE;
        return new Checked(CellType.CLASSIFIER, GradientCheck.checkModel(model, features, rows, length + 1,
                GradientCheck.MODEL_STEP, threshold, perParameter, seed));
    }

    /**
     * A small model at cs231n's initialisation (rnn, lstm: V=7, D=6, W=5, H=4; transformer: V=7, D=6, W=4, 2 heads,
     * F=8, L=2, dropout 0) on a random batch of 3 captions of 6 words.
     */
    private List<GradientCheck.Result> checkRandomModel(CellType c) {
        Random rng = new Random(seed);
        int n = 3, length = 6, v = 7, d = 6;
        captioner.model.ModelSpec config = c == CellType.TRANSFORMER
                ? new captioner.model.TransformerConfig(v, d, 4, 8, 2, 2, captioner.model.TransformerConfig.DEFAULT_ACTIVATION,
                        0, 8, 0, 1, 2)
                : new ModelConfig(c, v, d, 5, 4, 0, 1, 2);
        captioner.model.TrainableModel model = config.newModel(config.initialParams(DType.FLOAT64, seed));
        int[] captions = new int[n * length];
        for (int i = 0; i < captions.length; i++) {
            captions[i] = rng.nextInt(v);
        }
        Tensor features = Tensor.zeros(DType.FLOAT64, n, d);
        for (int i = 0; i < features.size(); i++) {
            features.set(i, rng.nextGaussian());
        }
        return GradientCheck.checkModel(model, features, captions, length, GradientCheck.MODEL_STEP, threshold);
    }
}
