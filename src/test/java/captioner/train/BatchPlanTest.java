package captioner.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPlanTest {

    @Test
    void sharesSumToTheBatchAndAreProportionalOnAverage() {
        long[] sizes = {10, 333, 0, 57, 600};
        BatchPlan plan = new BatchPlan(sizes, 100, 7);
        double[] mean = new double[sizes.length];
        int iterations = 20000;
        for (int it = 0; it < iterations; it++) {
            int[] s = plan.shares(it);
            assertEquals(100, Arrays.stream(s).sum());
            for (int p = 0; p < s.length; p++) {
                double exact = 100.0 * sizes[p] / 1000;
                assertTrue(s[p] == Math.floor(exact) || s[p] == Math.ceil(exact), "share " + s[p] + " vs " + exact);
                mean[p] += s[p] / (double) iterations;
            }
        }
        for (int p = 0; p < sizes.length; p++) {
            assertEquals(100.0 * sizes[p] / 1000, mean[p], 0.02, "partition " + p);
        }
    }

    @Test
    void drawsAreAPureFunctionOfSeedIterationAndPartition() {
        BatchPlan a = new BatchPlan(new long[] {5, 7, 9}, 10, 42);
        BatchPlan b = new BatchPlan(new long[] {5, 7, 9}, 10, 42);
        assertArrayEquals(a.shares(12), b.shares(12));
        int[] r1 = new int[6];
        int[] r2 = new int[6];
        BatchPlan.sampleRows(42, 12, 1, 7, r1, 6);
        BatchPlan.sampleRows(42, 12, 1, 7, r2, 6);
        assertArrayEquals(r1, r2);
        BatchPlan.sampleRows(42, 13, 1, 7, r2, 6);
        assertTrue(!Arrays.equals(r1, r2), "another iteration draws other rows");
        for (int r : r1) {
            assertTrue(r >= 0 && r < 7);
        }
    }
}
