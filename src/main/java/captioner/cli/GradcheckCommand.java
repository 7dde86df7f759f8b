package captioner.cli;

import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.GradientCheck;
import captioner.model.ModelConfig;
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

    @Option(names = "--cell", description = "rnn, lstm or both (default: ${DEFAULT-VALUE}).", defaultValue = "both")
    String cell;

    @Option(names = "--seed", description = "Seed of the random model and batch (default: ${DEFAULT-VALUE}).",
            defaultValue = "231")
    long seed;

    @Option(names = "--threshold", description = "Largest relative error that passes (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-5")
    double threshold;

    @Override
    public Integer call() {
        List<CellType> cells = cell.equalsIgnoreCase("both") ? List.of(CellType.values()) : List.of(CellType.parse(cell));
        boolean allPass = true;
        System.out.printf("%-5s %-9s %-10s %-14s %-14s %s%n", "cell", "parameter", "shape", "max rel error",
                "max abs error", "result");
        for (CellType c : cells) {
            for (GradientCheck.Result r : checkRandomModel(c)) {
                boolean pass = r.pass();
                allPass &= pass;
                System.out.printf("%-5s %-9s %-10s %-14.3e %-14.3e %s%n", c.label(), r.name(),
                        Shapes.format(r.shape()).replace(" ", ""), r.relError(), r.absError(), pass ? "pass" : "FAIL");
            }
        }
        String rule = "every entry: relative error < " + threshold + " or absolute difference < "
                + GradientCheck.ABSOLUTE_FLOOR;
        System.out.println(allPass ? "all gradients match (" + rule + ")" : "gradient check FAILED (" + rule + ")");
        return allPass ? 0 : Main.EXIT_FAILED;
    }

    /** A small model (V=7, D=6, W=5, H=4) at cs231n's initialisation on a random batch of 3 captions of 6 words. */
    private List<GradientCheck.Result> checkRandomModel(CellType c) {
        Random rng = new Random(seed);
        int n = 3, length = 6, v = 7, d = 6;
        ModelConfig config = new ModelConfig(c, v, d, 5, 4, 0, 1, 2);
        CaptioningModel model = CaptioningModel.initialized(config, DType.FLOAT64, seed);
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
