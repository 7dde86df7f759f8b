package captioner.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The checksum's encoding is part of the file format: checkpoints written by earlier versions must still verify. The
 * expected value was computed by the first implementation (each entry encoded into a byte array, then digested).
 */
class ContentChecksumTest {
    /** Datasets of every kind a checkpoint holds, with values whose bits matter (-0, NaN, subnormal, non-ASCII). */
    private static ContentChecksum sample(float last) {
        ContentChecksum sum = new ContentChecksum();
        float[] flat = new float[70_001]; // longer than any buffer a streaming encoder would use
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) Math.sin(i) * (i % 7 == 0 ? 1e-39f : 1f);
        }
        flat[flat.length - 1] = last;
        sum.dataset("/params/W_embed", new float[][] {{1.5f, -0f, Float.NaN}, {Float.MIN_VALUE, 3f, -2.25f}});
        sum.dataset("/params/b", flat);
        sum.dataset("/rule/t", new double[] {42, -0.0, Double.MIN_VALUE});
        sum.dataset("/meta/counts", new long[] {1, -2, Long.MAX_VALUE});
        sum.dataset("/meta/ids", new int[] {7, -8});
        sum.dataset("/vocab/idx_to_word", new String[] {"<NULL>", "café", "狗"});
        sum.attribute("cell", "lstm");
        sum.attribute("iteration", 300L);
        sum.attribute("learning_rate", 5e-3);
        return sum;
    }

    @Test
    void theEncodingIsTheOneEarlierCheckpointsWereWrittenWith() {
        assertEquals("sha256:789444bceceedb78c84a1331eac2bc3fda7a83b9e274655f0fd33202447d70a8", sample(0.25f).value());
    }

    @Test
    void oneValueChangesTheChecksum() {
        assertNotEquals(sample(0.25f).value(), sample(Math.nextUp(0.25f)).value());
    }
}
