package captioner.nn;

import captioner.tensor.Tensor;

import java.util.Arrays;

/**
 * The step layout of a packed batch of sequences, as PyTorch's packed sequences: the N sequences are ordered
 * by decreasing length, and step s holds only the first {@code size(s)} of them, those still running. A packed
 * tensor (P, ·) stores step s in rows {@code [offset(s), offset(s) + size(s))}, with P = {@link #rows()} the sum
 * of the step sizes. Sequences that have ended cost nothing in later steps. When every sequence runs all T steps
 * the packed layout is the time-major (T, N, ·) layout itself.
 */
public final class PackedSteps {
    private final int batch;
    private final int[] sizes;
    private final int[] offsets;
    private final int rows;

    private PackedSteps(int batch, int[] sizes) {
        this.batch = batch;
        this.sizes = sizes;
        this.offsets = new int[sizes.length];
        int p = 0;
        for (int s = 0; s < sizes.length; s++) {
            if (sizes[s] < 1 || sizes[s] > (s == 0 ? batch : sizes[s - 1])) {
                throw new IllegalArgumentException("step sizes must be positive and non-increasing, at most the batch "
                        + batch + ", but got " + Arrays.toString(sizes));
            }
            offsets[s] = p;
            p += sizes[s];
        }
        this.rows = p;
    }

    /** T steps of all N sequences: the plain time-major layout. */
    public static PackedSteps full(int steps, int batch) {
        int[] sizes = new int[steps];
        Arrays.fill(sizes, batch);
        return new PackedSteps(batch, sizes);
    }

    /**
     * The layout of N sequences whose lengths, already in decreasing order, are {@code sortedLengths}; sequences
     * of length 0 take part in no step. The number of steps is the longest length.
     */
    public static PackedSteps ofSortedLengths(int[] sortedLengths) {
        int steps = sortedLengths.length == 0 ? 0 : sortedLengths[0];
        int[] sizes = new int[steps];
        for (int i = 0; i < sortedLengths.length; i++) {
            if (i > 0 && sortedLengths[i] > sortedLengths[i - 1]) {
                throw new IllegalArgumentException("lengths must be in decreasing order: " + Arrays.toString(sortedLengths));
            }
            for (int s = 0; s < sortedLengths[i]; s++) {
                sizes[s]++;
            }
        }
        return new PackedSteps(sortedLengths.length, sizes);
    }

    /** N, the sequences in the batch (the rows of h0). */
    public int batch() {
        return batch;
    }

    /** The number of steps, T. */
    public int steps() {
        return sizes.length;
    }

    /** The sequences still running at step s. */
    public int size(int s) {
        return sizes[s];
    }

    /** The first packed row of step s. */
    public int offset(int s) {
        return offsets[s];
    }

    /** P, the packed rows of all steps. */
    public int rows() {
        return rows;
    }

    /**
     * The row where the state that step s continues from starts, in a state tensor (N + P, ·) that holds the
     * initial state in rows [0, N) and then the packed rows: its first {@code size(s)} rows are step s's.
     */
    public int previousRow(int s) {
        return s == 0 ? 0 : batch + offsets[s - 1];
    }

    /**
     * The previous state of every packed row, (P, H), copied out of a state tensor (N + P, H) laid out as for
     * {@link #previousRow} into {@code buffer} (reused when it can hold it); returns the buffer.
     */
    public Tensor gatherPrevious(Tensor states, Tensor buffer) {
        Tensor out = Tensor.reuse(buffer, states.dtype(), rows, states.dim(1));
        for (int s = 0; s < sizes.length; s++) {
            out.slices(offsets[s], sizes[s]).copyFrom(states.slices(previousRow(s), sizes[s]));
        }
        return out;
    }

    /** Whether every step holds the whole batch, so that packed rows are the time-major (T, N) rows. */
    public boolean isFull() {
        return rows == batch * sizes.length;
    }
}
