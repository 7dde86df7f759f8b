package captioner.data;

import captioner.BadInputException;

import java.util.Arrays;
import java.util.Random;

/**
 * cs231n's {@code max_train}: keep a random subset of the training captions. cs231n draws
 * {@code np.random.randint(num_train, size=max_train)}, i.e. with replacement, so some captions appear twice and
 * others that were "kept" are lost. This draws {@code maxTrain} distinct rows instead (a partial Fisher-Yates
 * shuffle driven by {@code java.util.Random(seed)}, whose sequence is fixed by the Java specification), then
 * sorts them so the subset keeps the file's order: the same (file, maxTrain, seed) always gives the same rows in
 * the same order, on any JVM.
 */
public final class TrainingSubset {
    private TrainingSubset() {
    }

    /**
     * @return the caption rows to keep, ascending: all rows when {@code maxTrain >= numCaptions}
     * @throws BadInputException if {@code maxTrain < 1}: the one check of a subset's size (readers leave it here)
     */
    public static int[] rows(int numCaptions, int maxTrain, long seed) {
        if (maxTrain < 1) {
            throw new BadInputException("a training subset of " + maxTrain + " captions: expected at least 1");
        }
        int[] rows = new int[numCaptions];
        for (int i = 0; i < numCaptions; i++) {
            rows[i] = i;
        }
        if (maxTrain >= numCaptions) {
            return rows;
        }
        Random random = new Random(seed);
        for (int i = 0; i < maxTrain; i++) {
            int j = i + random.nextInt(numCaptions - i);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        int[] kept = Arrays.copyOf(rows, maxTrain);
        Arrays.sort(kept);
        return kept;
    }

    /** {@code split} restricted to {@link #rows}; features and urls are shared. */
    public static CaptionSplit apply(CaptionSplit split, int maxTrain, long seed) {
        int[] rows = rows(split.numCaptions(), maxTrain, seed);
        return rows.length == split.numCaptions() ? split : split.withCaptionRows(rows);
    }
}
