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

    /** Scales {@code grads} in place to norm {@code bound} when its {@code norm} is larger; returns whether it did. */
    public static boolean clipInPlace(Tensor grads, double norm, double bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("clip bound must be positive but got " + bound);
        }
        if (norm <= bound) {
            return false;
        }
        Kernels.of(grads.dtype()).scale(grads, bound / norm);
        return true;
    }
}
