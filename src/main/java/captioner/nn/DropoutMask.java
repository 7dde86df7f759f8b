package captioner.nn;

/**
 * Which elements a dropout keeps. {@link #counter} is the one training uses: a pure function of a seed
 * and a key, so a run, its resume and a retried Spark task draw the same masks; a caller derives the
 * key from whatever must make masks differ (iteration, partition, layer, dropout site).
 */
@FunctionalInterface
public interface DropoutMask {
    /** Sets {@code keep[i]} for i &lt; count: true with probability 1 − p. */
    void fill(double p, boolean[] keep, int count);

    /**
     * Element i is kept when {@code u(seed, key, i) ≥ p}, with u uniform on [0, 1) from 53 bits of
     * SplitMix64's finaliser applied to a counter: no state, so element i's fate does not depend on
     * how many elements came before or which thread draws it.
     */
    static DropoutMask counter(long seed, long... key) {
        long stream = CounterMask.mix(seed);
        for (long part : key) {
            stream = CounterMask.mix(stream ^ CounterMask.mix(part + CounterMask.GOLDEN));
        }
        return new CounterMask(stream);
    }

    /** The counter-based mask of one stream (a hash of seed and key). */
    record CounterMask(long stream) implements DropoutMask {
        static final long GOLDEN = 0x9E3779B97F4A7C15L;

        @Override
        public void fill(double p, boolean[] keep, int count) {
            for (int i = 0; i < count; i++) {
                long bits = mix(stream + (i + 1L) * GOLDEN);
                keep[i] = (bits >>> 11) * 0x1.0p-53 >= p;
            }
        }

        /** SplitMix64's output function (Steele, Lea and Flood 2014): a bijection that mixes every bit. */
        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
