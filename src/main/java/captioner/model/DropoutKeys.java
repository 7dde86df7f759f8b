package captioner.model;

import captioner.nn.DropoutMask;

/**
 * The dropout streams of one micro-batch in training: every caption's masks are a pure function of
 * (seed, iteration, partition, the caption's position in the partition's batch, dropout site), so a run, its
 * resume and a retried task draw the same masks, and how the batch is cut into micro-batches does not matter.
 *
 * @param firstRow the position in the partition's batch of the micro-batch's first caption
 */
public record DropoutKeys(long seed, long iteration, int partition, int firstRow) {

    /**
     * The mask of one dropout site over a tensor whose first axis is the micro-batch's {@code rows} captions: row r
     * (its {@code count / rows} elements) draws from the stream of (seed, iteration, partition, firstRow + r, site).
     */
    public DropoutMask site(int site, int rows) {
        return (p, keep, count) -> {
            int perRow = count / rows;
            if (perRow * rows != count) {
                throw new IllegalArgumentException("dropout over " + count + " elements is not " + rows + " equal rows");
            }
            boolean[] row = new boolean[perRow];
            for (int r = 0; r < rows; r++) {
                DropoutMask.counter(seed, iteration, partition, (long) firstRow + r, site).fill(p, row, perRow);
                System.arraycopy(row, 0, keep, r * perRow, perRow);
            }
        };
    }
}
