package captioner.train;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which captions each partition contributes to an iteration's minibatch. A partition's share is
 * proportional to its size; the whole is a uniform sample of the table, drawn with replacement as
 * cs231n's {@code sample_coco_minibatch} does. Every draw is a pure function of (seed, iteration,
 * partition), so a run, a resumed run and a retried task all draw the same captions.
 */
final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] sizes;
    private final long total;
    private final int batchSize;
    private final long seed;

    BatchPlan(long[] partitionSizes, int batchSize, long seed) {
        this.sizes = partitionSizes.clone();
        long sum = 0;
        for (long s : sizes) {
            sum += s;
        }
        this.total = sum;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    long total() {
        return total;
    }

    /**
     * Captions per partition at {@code iteration}, summing to the batch size. Partition p's exact
     * share is {@code B·n_p/N}; each gets the integer part, and the remainder goes to partitions
     * picked by systematic sampling over the fractional parts, so every partition's expected share,
     * and so every caption's chance of being drawn, is exactly proportional.
     */
    int[] shares(long iteration) {
        int[] shares = new int[sizes.length];
        long[] remainders = new long[sizes.length];
        for (int p = 0; p < sizes.length; p++) {
            long scaled = batchSize * sizes[p];
            shares[p] = (int) (scaled / total);
            remainders[p] = scaled % total;
        }
        // Remainders sum to a multiple of N; points u, u+N, u+2N, ... fall into them one at most each.
        long u = rng(seed, iteration, -1).nextLong(total);
        long cumulative = 0;
        for (int p = 0; p < sizes.length; p++) {
            long from = cumulative;
            cumulative += remainders[p];
            long next = u + ceilDiv(from - u, total) * total;
            if (next < cumulative) {
                shares[p]++;
            }
        }
        return shares;
    }

    /**
     * Rows of a partition of {@code size} captions for {@code share} draws: uniform with replacement.
     * The array is filled in place to spare an allocation per iteration.
     */
    static void sampleRows(long seed, long iteration, int partition, int size, int[] rows, int share) {
        SplittableRandom rng = rng(seed, iteration, partition);
        for (int i = 0; i < share; i++) {
            rows[i] = rng.nextInt(size);
        }
    }

    /** The generator for one (seed, iteration, partition); partition -1 is the driver's. */
    static SplittableRandom rng(long seed, long iteration, int partition) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ iteration);
        h = mix(h ^ (partition + 1L));
        return new SplittableRandom(h);
    }

    /** SplitMix64's finaliser: adjacent inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
