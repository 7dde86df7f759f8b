package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;

import java.io.Serializable;

/**
 * The summed loss and gradient of some partitions' captions, tagged with the index of the first
 * partition it covers. Sums are always combined in index order, so the result does not depend on
 * which task finished first: the same data, config, seed and partition count give bitwise the
 * same parameters run after run.
 */
final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 2L;

    final int index;
    double lossSum;
    long captions;
    /** The slowest task's model computation among the partitions covered. */
    long computeNanos;
    /** The longest wait for the parameters (fetching and deserializing the broadcast) among those tasks. */
    long paramsNanos;
    private float[] g32;
    private double[] g64;
    /** The gradient in the driver's JVM ({@link LocalExchange} buffer or {@link ParameterChannel} upload). */
    private transient Tensor shared;

    /** A partial that carries its gradient; its task waited {@code paramsNanos} for the parameters. */
    PartialGradient(int index, double lossSum, long captions, long computeNanos, long paramsNanos, Tensor grads) {
        this(index, lossSum, captions, computeNanos, grads, null);
        this.paramsNanos = paramsNanos;
    }

    /** A partial whose gradient went up the {@link ParameterChannel}; the driver {@linkplain #attach attaches} it. */
    static PartialGradient uploaded(int index, double lossSum, long captions, long computeNanos, long paramsNanos) {
        PartialGradient p = new PartialGradient(index, lossSum, captions, computeNanos, null, null);
        p.paramsNanos = paramsNanos;
        return p;
    }

    /** A partial whose gradient stays in {@code buffer}, shared with the driver ({@link LocalExchange}). */
    static PartialGradient shared(int index, double lossSum, long captions, long computeNanos, Tensor buffer) {
        return new PartialGradient(index, lossSum, captions, computeNanos, null, buffer);
    }

    private PartialGradient(int index, double lossSum, long captions, long computeNanos, Tensor grads, Tensor shared) {
        this.index = index;
        this.lossSum = lossSum;
        this.captions = captions;
        this.computeNanos = computeNanos;
        this.g32 = grads != null && grads.dtype() == DType.FLOAT32 ? grads.floatStorage() : null;
        this.g64 = grads != null && grads.dtype() == DType.FLOAT64 ? grads.doubleStorage() : null;
        this.shared = shared;
    }

    /** Gives an uploaded partial its gradient, received by the driver. */
    void attach(Tensor gradient) {
        shared = gradient;
    }

    Tensor gradient() {
        if (shared != null) {
            return shared;
        }
        if (g32 == null && g64 == null) {
            throw new IllegalStateException("partition " + index + "'s gradient stayed in the driver's JVM");
        }
        return g32 != null ? Tensor.wrap(g32, g32.length) : Tensor.wrap(g64, g64.length);
    }

    /** Adds {@code other} into this one (the caller orders the calls by index). */
    void add(PartialGradient other) {
        lossSum += other.lossSum;
        captions += other.captions;
        computeNanos = Math.max(computeNanos, other.computeNanos);
        paramsNanos = Math.max(paramsNanos, other.paramsNanos);
        Tensor mine = gradient();
        Kernels.of(mine.dtype()).axpy(1, other.gradient(), mine);
    }
}
