package captioner.tensor;

/**
 * The numeric backend: every operation the layers, model and optimizers need, over whole tensor
 * views. One implementation per dtype ({@link #of}), so layers are written once and float32 or
 * float64 is a choice of backend. Matrix products go to BLAS; elementwise kernels are loops over
 * primitive arrays. Matrices are row-major and contiguous: a tensor of shape (..., n) is read as
 * (size / n, n).
 */
public abstract class Kernels {
    private static final Kernels F32 = new F32Kernels();
    private static final Kernels F64 = new F64Kernels();

    public static Kernels of(DType dtype) {
        return dtype == DType.FLOAT32 ? F32 : F64;
    }

    public abstract DType dtype();

    /** {@code c = alpha * op(a) * op(b) + beta * c}, op = transpose when the flag is set. */
    public abstract void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /** {@code x[r, :] += bias} for every row r. */
    public abstract void addRowVector(Tensor x, Tensor bias);

    /** {@code out += x.sum(axis=0)} (adds, so gradients accumulate). */
    public abstract void addColumnSums(Tensor x, Tensor out);

    /** {@code x = tanh(x)} elementwise. */
    public abstract void tanh(Tensor x);

    /** {@code dx = dy * (1 - y^2)}: tanh's derivative written with its output y. */
    public abstract void tanhBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * One LSTM step after the affine part. {@code a} (N, 4H) holds the raw activations with the gates
     * in cs231n order i, f, o, g; they are replaced by sigmoid(i), sigmoid(f), sigmoid(o), tanh(g). Writes
     * {@code c = f*cPrev + i*g}, {@code tanhC = tanh(c)} and {@code h = o*tanhC}, each (N, H).
     */
    public abstract void lstmGatesForward(Tensor a, Tensor cPrev, Tensor c, Tensor tanhC, Tensor h);

    /**
     * Backward of {@link #lstmGatesForward}: from the activated {@code gates} (N, 4H), {@code cPrev},
     * {@code tanhC}, the total gradient {@code dh} on h and {@code dc} on c (both (N, H)), writes the
     * raw-activation gradient {@code da} (N, 4H) and overwrites {@code dc} with the gradient on cPrev.
     */
    public abstract void lstmGatesBackward(Tensor gates, Tensor cPrev, Tensor tanhC, Tensor dh, Tensor dc, Tensor da);

    /**
     * Softmax cross-entropy over the rows of {@code scores} (M, V) with targets {@code y} (M) where
     * {@code mask} (M) is set. Returns {@code scale * sum of -log p[y]} and writes
     * {@code dScores = scale * (p - onehot(y))} on masked rows and zero elsewhere. {@code dScores}
     * may be {@code scores} itself. Uses the max-shifted exponent, so large scores do not overflow.
     */
    public abstract double softmaxCrossEntropy(Tensor scores, int[] y, boolean[] mask, double scale, Tensor dScores);

    /** {@code out[r, :] = table[idx[r], :]}. */
    public abstract void gatherRows(Tensor table, int[] idx, Tensor out);

    /** {@code dTable[idx[r], :] += dOut[r, :]}; repeated indices accumulate. */
    public abstract void scatterAddRows(Tensor dOut, int[] idx, Tensor dTable);

    /** {@code out[r] = argmax(x[r, :])}, the first index on ties (numpy's rule). */
    public abstract void argmaxRows(Tensor x, int[] out);

    /** {@code y += alpha * x}. */
    public abstract void axpy(double alpha, Tensor x, Tensor y);

    /** {@code x *= alpha}. */
    public abstract void scale(Tensor x, double alpha);

    /** {@code acc = decay * acc + (1 - decay) * x}: an exponential moving average (operands at one offset). */
    public abstract void lerp(Tensor acc, Tensor x, double decay);

    /** {@code acc = decay * acc + (1 - decay) * x^2}: a moving average of squares (operands at one offset). */
    public abstract void lerpSquares(Tensor acc, Tensor x, double decay);

    /** {@code w += alpha * num / (sqrt(den * denScale) + eps)}: RMSProp's and Adam's step (operands at one offset). */
    public abstract void addRatio(Tensor w, double alpha, Tensor num, Tensor den, double denScale, double eps);

    /**
     * Adam's step in one pass: per element, {@code m = beta1 * m + (1 - beta1) * dw},
     * {@code v = beta2 * v + (1 - beta2) * dw^2}, {@code w += alpha * m / (sqrt(v * vScale) + eps)}.
     * The same operations in the same order as {@link #lerp}, {@link #lerpSquares} and
     * {@link #addRatio}{@code (w, alpha, m, v, vScale, eps)} in turn, so the same bits, but reading
     * four arrays instead of seven. Operands at one offset; {@code m} and {@code v} must not share
     * storage with the others (the three passes would then see each other's writes, this pass not).
     */
    public abstract void adamStep(Tensor w, Tensor dw, Tensor m, Tensor v, double beta1, double beta2, double alpha,
            double vScale, double eps);

    /**
     * {@code c[i] = alpha * op(a[i]) * op(b[i]) + beta * c[i]} for each of {@code batch} matrices stored
     * one after another in each operand (a tensor (batch, rows, cols) of contiguous row-major matrices):
     * the per-head products of attention without a view per head.
     */
    public abstract void gemmBatched(int batch, boolean transA, boolean transB, double alpha, Tensor a, Tensor b,
            double beta, Tensor c);

    /**
     * Softmax over each row of {@code x} (..., T, S), in place, with the max-shifted exponent. When
     * {@code keep} (T·S, row-major (T, S)) is given, row r of every (T, S) block is restricted to the
     * positions where {@code keep[(r % T) * S + j]} is set: those share the probability and the others
     * get exactly 0, which is softmax with −∞ at the masked scores. Every row of keep must keep one.
     */
    public abstract void softmaxRows(Tensor x, boolean[] keep);

    /**
     * Backward of {@link #softmaxRows} from its output {@code p} (M, S):
     * {@code ds = scale * p * (dp - sum_j p_j dp_j)} row by row. Masked positions (p = 0) get 0.
     * {@code ds} may be {@code dp}.
     */
    public abstract void softmaxRowsBackward(Tensor p, Tensor dp, double scale, Tensor ds);

    /**
     * {@code out[a, c, b, :] = x[a, b, c, :]} for x (A, B, C, D) and out (A, C, B, D): splits
     * (N, T, H·Dh) into heads (N, H, T, Dh) and merges them back. out must not overlap x.
     */
    public abstract void swapAxes12(Tensor x, Tensor out);

    /**
     * Layer normalisation over the last axis of x (M, D): per row {@code xhat = (x - mean) * rstd} with
     * {@code rstd = 1/sqrt(var + eps)} (biased variance, as PyTorch), {@code out = gamma * xhat + beta}.
     * Writes out and xhat (M, D) and rstd (M); statistics are accumulated in double.
     */
    public abstract void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor out, Tensor xhat,
            Tensor rstd);

    /**
     * Backward of {@link #layerNormForward}: writes
     * {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))} with {@code g = dout * gamma}, and adds
     * the column sums of {@code dout * xhat} into dgamma and of dout into dbeta. dx may be dout.
     */
    public abstract void layerNormBackward(Tensor dout, Tensor xhat, Tensor rstd, Tensor gamma, Tensor dx,
            Tensor dgamma, Tensor dbeta);

    /** {@code out = x * Φ(x)}, the exact (erf) GELU; out may be x. */
    public abstract void gelu(Tensor x, Tensor out);

    /** {@code dx = dout * (Φ(x) + x φ(x))}, from GELU's input x; dx may be dout. */
    public abstract void geluBackward(Tensor x, Tensor dout, Tensor dx);

    /** {@code out = max(x, 0)}; out may be x. */
    public abstract void relu(Tensor x, Tensor out);

    /** {@code dx = x > 0 ? dout : 0}, from ReLU's input x (PyTorch's gradient 0 at 0); dx may be dout. */
    public abstract void reluBackward(Tensor x, Tensor dout, Tensor dx);

    /**
     * {@code out[i] = keep[i] ? x[i] * scale : 0} for the first x.size() flags: inverted dropout, and
     * (with the same keep and scale) its backward. out may be x.
     */
    public abstract void dropout(Tensor x, boolean[] keep, double scale, Tensor out);

    /** Sum of squares, accumulated in double. */
    public abstract double sumSquares(Tensor x);

    /** Whether any element is NaN or infinite. */
    public abstract boolean hasNonFinite(Tensor x);

    /**
     * The optimizer's kernels index every operand with one shared index, which lets C2 vectorize
     * them; their operands are views at the same offset (flat vectors of one layout).
     */
    static void requireSameOffset(String what, Tensor a, Tensor b) {
        if (a.offset != b.offset) {
            throw new IllegalArgumentException(what + ": operands must start at the same offset, got " + a.offset
                    + " and " + b.offset);
        }
    }

    /** Fused kernels read each operand once per element, so a state operand must not alias another. */
    static void requireDistinct(String what, Tensor a, Tensor b) {
        if ((a.f != null && a.f == b.f) || (a.d != null && a.d == b.d)) {
            throw new IllegalArgumentException(what + ": operands must not share storage");
        }
    }

    static int rows(Tensor x, int cols) {
        return cols == 0 ? 0 : x.size() / cols;
    }

    static int lastDim(Tensor x) {
        return x.dim(x.rank() - 1);
    }

    static void requireSameSize(String what, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(what + ": sizes differ, " + Shapes.format(a.shape()) + " vs "
                    + Shapes.format(b.shape()));
        }
    }

    /** Matrix view (rows, cols) of a tensor whose last axis is the column axis. */
    static int[] matrix(Tensor t) {
        int cols = lastDim(t);
        return new int[] {rows(t, cols), cols};
    }

    /**
     * {@link #gemmDims} of one matrix of each batched operand (rank 3, batch first), followed by the
     * three operands' strides between matrices.
     */
    static int[] gemmBatchedDims(int batch, boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        for (Tensor t : new Tensor[] {a, b, c}) {
            if (t.rank() != 3 || t.dim(0) != batch) {
                throw new IllegalArgumentException("gemmBatched: expected operands (" + batch
                        + ", rows, cols) but got " + Shapes.format(t.shape()));
            }
        }
        if (batch == 0) {
            return new int[9];
        }
        int[] g = gemmDims(transA, transB, a.slice(0), b.slice(0), c.slice(0));
        int[] out = java.util.Arrays.copyOf(g, 9);
        out[6] = a.size() / batch;
        out[7] = b.size() / batch;
        out[8] = c.size() / batch;
        return out;
    }

    /** How many rows a softmax mask of (T, S) flags has (0 without a mask), after checking it fits. */
    static int maskRows(boolean[] keep, int s, int rows) {
        if (keep == null) {
            return 0;
        }
        int t = s == 0 ? 0 : keep.length / s;
        if (t == 0 || keep.length != t * s || rows % t != 0) {
            throw new IllegalArgumentException("softmaxRows: a mask of " + keep.length + " flags is not (T, " + s
                    + ") with T dividing the " + rows + " rows");
        }
        return t;
    }

    /** {A, B, C, D} of x (A, B, C, D), after checking out is (A, C, B, D). */
    static int[] swapAxes12Dims(Tensor x, Tensor out) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("swapAxes12: expected x (A, B, C, D) but got " + Shapes.format(x.shape()));
        }
        int[] s = x.shape();
        Shapes.require("swapAxes12 out", out, s[0], s[2], s[1], s[3]);
        return s;
    }

    static void requireFlags(String what, boolean[] flags, int size) {
        if (flags.length < size) {
            throw new IllegalArgumentException(what + ": " + flags.length + " flags for " + size + " elements");
        }
    }

    /** m, n, k and leading dimensions for a row-major gemm, after checking the shapes agree. */
    static int[] gemmDims(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        int[] am = matrix(a);
        int[] bm = matrix(b);
        int[] cm = matrix(c);
        int m = transA ? am[1] : am[0];
        int k = transA ? am[0] : am[1];
        int kb = transB ? bm[1] : bm[0];
        int n = transB ? bm[0] : bm[1];
        if (k != kb || cm[0] != m || cm[1] != n) {
            throw new IllegalArgumentException("gemm: " + (transA ? "A^T " : "A ") + Shapes.format(am) + " times "
                    + (transB ? "B^T " : "B ") + Shapes.format(bm) + " cannot produce C " + Shapes.format(cm));
        }
        return new int[] {m, n, k, am[1], bm[1], cm[1]};
    }
}
