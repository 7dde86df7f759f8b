package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Numeric gradients by centered differences in float64, and cs231n's relative error
 * {@code max |a - b| / max(1e-8, |a| + |b|)} (the floor keeps exact zeros from dominating).
 *
 * <p>The difference is the fourth-order centered stencil
 * {@code (8(f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h}. Its truncation error is O(h^4), so a step
 * near 1e-3 is safe, and the larger step cuts the roundoff that a two-point difference at 1e-6
 * leaves on gradient entries near 1e-8 (LSTM forget-gate columns of Wx at cs231n's initialisation
 * showed relative errors up to 4e-3 that way, from roundoff alone).
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * Entries whose analytic and numeric gradients differ by less than this count as matching. The
     * centered difference of a float64 loss of order 10 carries about 2e-12 of roundoff, which is a
     * large relative error on entries near 1e-8 (an LSTM's forget-gate weights at initialisation);
     * DL4J's GradientCheckUtil uses the same kind of absolute floor.
     */
    public static final double ABSOLUTE_FLOOR = 1e-10;

    /**
     * One parameter's result: cs231n's max relative error and the max absolute difference over the checked entries
     * (each at the step that decided it), and whether every entry passed (relative error below the threshold, or
     * absolute difference below {@link #ABSOLUTE_FLOOR}). {@code retried}: the flat indices of the entries that did
     * not match at the model step and were differenced again at smaller steps (see {@link #checkModel}); {@code
     * skipped}: those of them whose differences crossed a kink at every smaller step, so no numeric derivative
     * could judge them (they count neither as passed nor as failed).
     */
    public record Result(String name, int[] shape, double relError, double absError, boolean pass, int[] retried,
                         int[] skipped) {
    }

    /** How many smaller steps an entry that fails at {@code h} is differenced at again: h/10, then h/100. */
    public static final int SMALLER_STEPS = 2;

    /** cs231n's {@code rel_error}. */
    public static double relError(Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("relError: sizes differ, " + a.size() + " vs " + b.size());
        }
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i);
            double y = b.get(i);
            worst = Math.max(worst, Math.abs(x - y) / Math.max(1e-8, Math.abs(x) + Math.abs(y)));
        }
        return worst;
    }

    /**
     * The largest entry difference relative to the tensors' largest magnitude:
     * {@code max |a - b| / max(|a| + |b|)}. Unlike {@link #relError}, entries near zero do not
     * dominate it: a centered difference carries roundoff at the scale of the function's output,
     * which any correct BLAS rounds a little differently, so a 1e-12 wobble on an entry of 1e-6 is
     * noise, not a wrong derivative. A backward pass that is wrong anywhere near the tensor's scale
     * (a missing term, a transposed product, a gate's factor off by 1e-6 relative) still fails a
     * threshold of 1e-7.
     */
    public static double scaledError(Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("scaledError: sizes differ, " + a.size() + " vs " + b.size());
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i);
            double y = b.get(i);
            diff = Math.max(diff, Math.abs(x - y));
            scale = Math.max(scale, Math.abs(x) + Math.abs(y));
        }
        return scale == 0 ? 0 : diff / scale;
    }

    /** The step that model checks use. */
    public static final double MODEL_STEP = 1e-3;

    /** d f / d x for a scalar {@code f} that reads {@code x} (float64), element by element. */
    public static Tensor numericGradient(DoubleSupplier f, Tensor x, double h) {
        return numericGradientArray(() -> Tensor.wrap(new double[] {f.getAsDouble()}, 1),
                x, Tensor.wrap(new double[] {1}, 1), h);
    }

    /**
     * The gradient of {@code sum(f(x) * df)} with respect to x, for a tensor-valued {@code f}: what a
     * layer's backward returns for upstream gradient df (cs231n's {@code eval_numerical_gradient_array}).
     * Each output element is differenced before weighting, which keeps roundoff at the element's scale.
     */
    public static Tensor numericGradientArray(Supplier<Tensor> f, Tensor x, Tensor df, double h) {
        requireFloat64(x);
        double[] weights = df.toDoubleArray();
        Tensor grad = Tensor.zeros(DType.FLOAT64, x.shape());
        for (int i = 0; i < x.size(); i++) {
            double old = x.get(i);
            double[] plus1 = at(f, x, i, old + h);
            double[] minus1 = at(f, x, i, old - h);
            double[] plus2 = at(f, x, i, old + 2 * h);
            double[] minus2 = at(f, x, i, old - 2 * h);
            x.set(i, old);
            double s = 0;
            for (int j = 0; j < weights.length; j++) {
                s += weights[j] * (8 * (plus1[j] - minus1[j]) - (plus2[j] - minus2[j]));
            }
            grad.set(i, s / (12 * h));
        }
        return grad;
    }

    private static double[] at(Supplier<Tensor> f, Tensor x, int i, double value) {
        x.set(i, value);
        return f.get().toDoubleArray();
    }

    /**
     * Checks every parameter of a float64 {@code model} on one batch: the analytic gradient of
     * {@link TrainableModel#loss} against centered differences with step {@code h}.
     */
    public static List<Result> checkModel(TrainableModel model, Tensor features, int[] captions, int captionLength,
                                          double h, double threshold) {
        return checkModel(model, features, captions, captionLength, h, threshold, Integer.MAX_VALUE, 0);
    }

    /**
     * As above, but checks at most {@code entriesPerParameter} entries of each parameter, drawn at
     * random with {@code seed}: a trained model of millions of parameters cannot be checked entry by
     * entry (four loss evaluations each).
     *
     * <p>An entry that does not match at step {@code h} is differenced again at h/10 and h/100, and passes if it
     * matches at one of them where its forward and backward one-sided differences agree. A loss with ReLUs is
     * piecewise smooth: when a pre-activation lies within 2h of 0, the points x ± h, x ± 2h straddle the kink and
     * the centered difference mixes the two slopes (errors near 1e-5 on a trained classifier whose analytic
     * gradient equals PyTorch's autograd to 1e-15). Its one-sided differences then disagree by a fraction of the
     * slope's jump, while on a smooth loss they agree to O(h³). A wrong analytic gradient fails at every step; an
     * entry whose differences cross a kink at every smaller step is reported skipped, neither passed nor failed.
     */
    public static List<Result> checkModel(TrainableModel model, Tensor features, int[] captions, int captionLength,
                                          double h, double threshold, int entriesPerParameter, long seed) {
        requireFloat64(model.params());
        Tensor grads = model.layout().zeros(DType.FLOAT64);
        model.loss(features, captions, captionLength, grads);
        DoubleSupplier loss = () -> model.loss(features, captions, captionLength, null);
        double f0 = loss.getAsDouble();
        java.util.Random rng = new java.util.Random(seed);
        List<Result> results = new ArrayList<>();
        for (ParamLayout.Entry e : model.layout().entries()) {
            Tensor param = model.layout().view(model.params(), e.name()).reshape(e.size());
            Tensor analytic = model.layout().view(grads, e.name()).reshape(e.size());
            double rel = 0;
            double abs = 0;
            boolean pass = true;
            List<Integer> retried = new ArrayList<>();
            List<Integer> skipped = new ArrayList<>();
            for (int entry : sample(e.size(), entriesPerParameter, rng)) {
                double a = analytic.get(entry);
                Difference d = Difference.at(loss, param, entry, f0, h);
                if (!matches(a, d.centered(), threshold)) {
                    retried.add(entry);
                    d = smallerStep(loss, param, entry, f0, h, a, threshold);
                    if (d == null) {
                        skipped.add(entry);
                        continue;
                    }
                }
                double diff = Math.abs(a - d.centered());
                abs = Math.max(abs, diff);
                rel = Math.max(rel, diff / Math.max(1e-8, Math.abs(a) + Math.abs(d.centered())));
                pass &= matches(a, d.centered(), threshold);
            }
            results.add(new Result(e.name(), e.shape(), rel, abs, pass, ints(retried), ints(skipped)));
        }
        return results;
    }

    /**
     * The difference at the first of h/10, h/100 with no kink within two steps that matches {@code a}, else at the
     * last kink-free one (a failure), or null when a kink lies within two steps of x at each of them.
     */
    private static Difference smallerStep(DoubleSupplier loss, Tensor param, int entry, double f0, double h, double a,
                                          double threshold) {
        Difference smooth = null;
        double step = h;
        for (int k = 0; k < SMALLER_STEPS; k++) {
            step /= 10;
            Difference d = Difference.at(loss, param, entry, f0, step);
            if (d.smooth(threshold)) {
                smooth = d;
                if (matches(a, d.centered(), threshold)) {
                    break;
                }
            }
        }
        return smooth;
    }

    /** Two derivatives of an entry agree: relative error below threshold or difference below the floor. */
    static boolean matches(double a, double b, double threshold) {
        double diff = Math.abs(a - b);
        return diff / Math.max(1e-8, Math.abs(a) + Math.abs(b)) < threshold || diff < ABSOLUTE_FLOOR;
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * One entry's differences at step h from f(x) and f(x ± h), f(x ± 2h): the fourth-order centered one, and the
     * second-order one-sided ones {@code (−3f(x) + 4f(x+h) − f(x+2h)) / 2h} and
     * {@code (3f(x) − 4f(x−h) + f(x−2h)) / 2h}, which on a smooth function differ by h³f⁗(x)/2 and across a kink by
     * a fraction of the slope's jump.
     */
    record Difference(double centered, double forward, double backward) {
        static Difference at(DoubleSupplier f, Tensor x, int i, double f0, double h) {
            double old = x.get(i);
            double plus1 = value(f, x, i, old + h);
            double minus1 = value(f, x, i, old - h);
            double plus2 = value(f, x, i, old + 2 * h);
            double minus2 = value(f, x, i, old - 2 * h);
            x.set(i, old);
            return new Difference((8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * h),
                    (-3 * f0 + 4 * plus1 - plus2) / (2 * h), (3 * f0 - 4 * minus1 + minus2) / (2 * h));
        }

        private static double value(DoubleSupplier f, Tensor x, int i, double at) {
            x.set(i, at);
            return f.getAsDouble();
        }

        /** No kink within two steps of x: the one-sided differences agree by the check's own rule. */
        boolean smooth(double threshold) {
            return matches(forward, backward, threshold);
        }
    }

    /** All indices below {@code size}, or {@code count} distinct ones drawn at random, ascending. */
    private static int[] sample(int size, int count, java.util.Random rng) {
        if (count >= size) {
            return java.util.stream.IntStream.range(0, size).toArray();
        }
        return rng.ints(0, size).distinct().limit(count).sorted().toArray();
    }

    private static void requireFloat64(Tensor x) {
        if (x.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gradient checks need float64 tensors but got " + x.dtype().label());
        }
    }
}
