package captioner.model;

import captioner.nn.PackedSteps;

/**
 * A batch of captions laid out for the work the loss needs and no more. A caption's length is the position of
 * its last target that is not {@code <NULL>}, plus one: after it nothing reaches the loss. Captions are ordered
 * by decreasing length (ties in batch order, so the layout depends only on the batch) and packed step by step
 * ({@link PackedSteps}), so that ended captions drop out of the recurrence; {@link #outputRows} lists the packed
 * rows whose target is not {@code <NULL>}, the only ones the output layer scores.
 */
final class PackedCaptions {
    /** Packed position → caption (batch row): {@code order[j]} is the j-th longest caption. */
    final int[] order;
    final PackedSteps steps;
    /** Input word of every packed row, (P). */
    final int[] wordsIn;
    /** Packed rows whose target is a word, and those targets, in packed order. */
    final int[] outputRows;
    final int[] targets;

    private PackedCaptions(int[] order, PackedSteps steps, int[] wordsIn, int[] outputRows, int[] targets) {
        this.order = order;
        this.steps = steps;
        this.wordsIn = wordsIn;
        this.outputRows = outputRows;
        this.targets = targets;
    }

    /** Packs N rows of {@code length} word indices, row-major; the first length - 1 go in, the last length - 1 are predicted. */
    static PackedCaptions of(int[] captions, int n, int length, int nullIdx) {
        int t = length - 1;
        int[] lengths = new int[n];
        int[] perLength = new int[t + 1];
        for (int i = 0; i < n; i++) {
            int l = t;
            while (l > 0 && captions[i * length + l] == nullIdx) {
                l--;
            }
            lengths[i] = l;
            perLength[l]++;
        }
        // A counting sort by decreasing length, stable in batch order.
        int[] first = new int[t + 1];
        for (int l = t - 1, at = perLength[t]; l >= 0; l--) {
            first[l] = at;
            at += perLength[l];
        }
        int[] order = new int[n];
        int[] sortedLengths = new int[n];
        for (int i = 0; i < n; i++) {
            int j = first[lengths[i]]++;
            order[j] = i;
            sortedLengths[j] = lengths[i];
        }
        PackedSteps steps = PackedSteps.ofSortedLengths(sortedLengths);
        int p = steps.rows();
        int[] wordsIn = new int[p];
        int[] rows = new int[p];
        int[] targets = new int[p];
        int outputs = 0;
        for (int s = 0; s < steps.steps(); s++) {
            for (int j = 0; j < steps.size(s); j++) {
                int row = steps.offset(s) + j;
                int caption = order[j] * length;
                wordsIn[row] = captions[caption + s];
                int word = captions[caption + s + 1];
                if (word != nullIdx) {
                    rows[outputs] = row;
                    targets[outputs++] = word;
                }
            }
        }
        return new PackedCaptions(order, steps, wordsIn, java.util.Arrays.copyOf(rows, outputs),
                java.util.Arrays.copyOf(targets, outputs));
    }

    /** Whether every packed row has a target, so the output layer takes the packed rows as they are. */
    boolean everyRowScored() {
        return outputRows.length == steps.rows();
    }
}
