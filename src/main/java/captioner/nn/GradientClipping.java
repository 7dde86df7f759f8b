package captioner.nn;

import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

/**
 * Clipping by global norm ({@code --clip-norm}): when the L2 norm of all gradients together exceeds
 * the bound, every gradient is scaled by {@code bound / norm}, so the direction is kept and an update
 * of SGD is at most {@code learningRate · bound} long however large the gradient explodes. The trainer
 * applies it to the flat gradient vector after dividing by the batch size.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The global L2 norm of a flat gradient vector (summed in double). */
    public static double norm(Tensor grads) {
        return Math.sqrt(Kernels.of(grads.dtype()).sumSquares(grads));
    }

    /**
     * The global L2 norm of a flat gradient vector cut into {@code slices} contiguous slices ({@link #sliceStart}):
     * the square root of the slices' sums of squares added in slice order. The trainer cuts the vector into one
     * slice per partition, so a reduce-scatter run, where each slice's sum is computed by its owner, gives the same
     * bits; with one slice it is {@link #norm(Tensor)}.
     */
    public static double norm(Tensor grads, int slices) {
        double sum = 0;
        for (int q = 0; q < slices; q++) {
            sum += sliceSumSquares(grads, slices, q);
        }
        return Math.sqrt(sum);
    }

    /** The sum of squares of slice {@code q} of {@code slices} of {@code grads}: one term of {@link #norm(Tensor, int)}. */
    public static double sliceSumSquares(Tensor grads, int slices, int q) {
        int from = sliceStart(grads.size(), slices, q);
        int to = sliceStart(grads.size(), slices, q + 1);
        return Kernels.of(grads.dtype()).sumSquares(grads.view(from, to - from));
    }

    /**
     * Where slice {@code q} of {@code slices} contiguous slices of a vector of {@code size} elements starts (q =
     * slices gives size): {@code floor(size · q / slices)}, so slice lengths differ by at most one and depend only on
     * the size and the slice count.
     */
    public static int sliceStart(int size, int slices, int q) {
        if (slices < 1 || q < 0 || q > slices) {
            throw new IllegalArgumentException("slice " + q + " of " + slices);
        }
        return (int) ((long) size * q / slices);
    }

    /** Scales {@code grads} in place to norm {@code bound} when its {@code norm} is larger; returns whether it did. */
    public static boolean clipInPlace(Tensor grads, double norm, double bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("clip bound must be positive but got " + bound);
        }
        if (!exceeds(norm, bound)) {
            return false;
        }
        Kernels.of(grads.dtype()).scale(grads, bound / norm);
        return true;
    }

    /** Whether a gradient of {@code norm} is clipped at {@code bound}: it is above it (a NaN norm is not). */
    public static boolean exceeds(double norm, double bound) {
        return !(norm <= bound);
    }
}
