package captioner.data;

import captioner.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingSubsetTest {
    @Test
    void keepsDistinctRowsInFileOrder() {
        int[] rows = TrainingSubset.rows(1000, 100, 42);
        assertEquals(100, rows.length);
        for (int k = 1; k < rows.length; k++) {
            assertTrue(rows[k - 1] < rows[k], "ascending and distinct");
        }
        assertTrue(rows[0] >= 0 && rows[99] < 1000);
    }

    @Test
    void isDeterministicInSeedAndVariesAcrossSeeds() {
        assertArrayEquals(TrainingSubset.rows(1000, 100, 42), TrainingSubset.rows(1000, 100, 42));
        Set<String> distinct = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            distinct.add(Arrays.toString(TrainingSubset.rows(1000, 100, seed)));
        }
        assertEquals(10, distinct.size());
    }

    @Test
    void drawsEveryRowAboutEquallyOften() {
        int[] hits = new int[10];
        for (long seed = 0; seed < 2000; seed++) {
            for (int r : TrainingSubset.rows(10, 4, seed)) {
                hits[r]++;
            }
        }
        for (int h : hits) {
            assertTrue(h > 650 && h < 950, Arrays.toString(hits));
        }
    }

    @Test
    void keepsEverythingWhenMaxTrainIsLarge() {
        assertArrayEquals(new int[] {0, 1, 2}, TrainingSubset.rows(3, 3, 1));
        assertArrayEquals(new int[] {0, 1, 2}, TrainingSubset.rows(3, 50, 1));
        assertThrows(BadInputException.class, () -> TrainingSubset.rows(3, 0, 1));
    }
}
