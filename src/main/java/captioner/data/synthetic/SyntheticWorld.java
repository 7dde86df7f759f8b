package captioner.data.synthetic;

import captioner.data.cs231n.Cs231nLayout;
import captioner.model.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The rules of the synthetic dataset: which scenes exist, which colour×object pairs only validation shows, and how
 * a scene becomes a feature vector. Everything is a pure function of (seed, split, image index), so any image can
 * be regenerated on its own: the writer streams, and tests recompute what was written.
 *
 * <p>Features: each attribute value has a fixed random direction; an image's vector is the sum of the directions
 * of its colour, object, place and count plus Gaussian noise. Dimension j is scaled by
 * {@code 0.5 + 3 exp(-j / 64)}, so early dimensions spread wider than late ones, like a PCA projection, and
 * values are mostly of order 1 to 10, like cs231n's PCA features.
 *
 * <p>Held-out rule: the pair (colour c, object o) is held out when {@code c == (3 o + 1) mod 8}, one colour per
 * object, 10 of the 80 pairs. Training images never show a held-out pair; validation images only show held-out
 * pairs. Every colour and every object still appears in training (each colour with at least 8 objects), so a model
 * that composes attributes can caption validation images correctly, and one that memorised pairs cannot.
 */
public final class SyntheticWorld {
    public static final String[] COLOURS = {"red", "orange", "yellow", "green", "blue", "purple", "white", "black"};
    public static final String[] OBJECTS = {"dog", "cat", "bird", "horse", "car", "bus", "boat", "ball", "kite",
        "umbrella"};
    static final String[] OBJECT_PLURALS = {"dogs", "cats", "birds", "horses", "cars", "buses", "boats", "balls",
        "kites", "umbrellas"};
    public static final String[] PLACES = {"beach", "street", "park", "field", "snow", "water"};
    public static final int MAX_COUNT = 3;

    /** Noise per dimension, relative to one attribute direction's spread. */
    private static final double NOISE = 0.5;

    private static final long SALT_VECTORS = 0x5EC7025L;
    private static final long SALT_SCENE = 0x5CE11EL;
    private static final long SALT_NOISE = 0x4015EL;
    private static final long SALT_CAPTIONS = 0xCA971015L;

    private final long seed;
    private final int featureDim;
    /** Per attribute family, per value: one featureDim vector. */
    private final float[][] colourVectors;
    private final float[][] objectVectors;
    private final float[][] placeVectors;
    private final float[][] countVectors;
    private final float[] scale;
    private final int[][] trainPairs;
    private final int[][] heldOutPairs;
    private final Vocabulary vocabulary;

    public SyntheticWorld(long seed, int featureDim) {
        if (featureDim < 1) {
            throw new IllegalArgumentException("featureDim must be at least 1, not " + featureDim);
        }
        this.seed = seed;
        this.featureDim = featureDim;
        scale = new float[featureDim];
        for (int j = 0; j < featureDim; j++) {
            scale[j] = (float) (0.5 + 3 * Math.exp(-j / 64.0));
        }
        Random r = new Random(mix(seed, SALT_VECTORS, 0, 0));
        colourVectors = directions(r, COLOURS.length);
        objectVectors = directions(r, OBJECTS.length);
        placeVectors = directions(r, PLACES.length);
        countVectors = directions(r, MAX_COUNT);
        List<int[]> train = new ArrayList<>();
        List<int[]> held = new ArrayList<>();
        for (int o = 0; o < OBJECTS.length; o++) {
            for (int c = 0; c < COLOURS.length; c++) {
                (isHeldOut(c, o) ? held : train).add(new int[] {c, o});
            }
        }
        trainPairs = train.toArray(new int[0][]);
        heldOutPairs = held.toArray(new int[0][]);
        vocabulary = buildVocabulary();
    }

    /** True when training never shows colour {@code c} on object {@code o} and validation always does. */
    public static boolean isHeldOut(int colour, int object) {
        return colour == (3 * object + 1) % COLOURS.length;
    }

    public int featureDim() {
        return featureDim;
    }

    public long seed() {
        return seed;
    }

    /**
     * The vocabulary: {@code <NULL>}, {@code <START>}, {@code <END>}, {@code <UNK>} at 0..3 as in cs231n's file, then
     * every word the templates can produce, sorted. The rare words of {@link SyntheticCaptions#RARE_WORDS} are
     * left out on purpose, so they become {@code <UNK>}.
     */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The scene of image {@code index} of {@code split}: uniform over allowed pairs, places and counts. */
    public SyntheticScene scene(String split, int index) {
        Random r = new Random(mix(seed, SALT_SCENE, splitId(split), index));
        int[][] pairs = Cs231nLayout.VAL.equals(split) ? heldOutPairs : trainPairs;
        int[] pair = pairs[r.nextInt(pairs.length)];
        return new SyntheticScene(pair[0], pair[1], r.nextInt(PLACES.length), 1 + r.nextInt(MAX_COUNT));
    }

    /** Writes the featureDim features of image {@code index} of {@code split} into {@code dst}. */
    public void features(String split, int index, SyntheticScene scene, float[] dst) {
        Random noise = new Random(mix(seed, SALT_NOISE, splitId(split), index));
        float[] c = colourVectors[scene.colour()];
        float[] o = objectVectors[scene.object()];
        float[] p = placeVectors[scene.place()];
        float[] n = countVectors[scene.count() - 1];
        for (int j = 0; j < featureDim; j++) {
            dst[j] = c[j] + o[j] + p[j] + n[j] + (float) (NOISE * scale[j] * noise.nextGaussian());
        }
    }

    /** The random source of image {@code index}'s captions (template choice, phrasing, rare words). */
    Random captionRandom(String split, int index) {
        return new Random(mix(seed, SALT_CAPTIONS, splitId(split), index));
    }

    private float[][] directions(Random r, int values) {
        float[][] v = new float[values][featureDim];
        for (float[] row : v) {
            for (int j = 0; j < featureDim; j++) {
                row[j] = (float) (scale[j] * r.nextGaussian());
            }
        }
        return v;
    }

    private static Vocabulary buildVocabulary() {
        TreeSet<String> words = new TreeSet<>(SyntheticCaptions.allWords());
        words.removeAll(SyntheticCaptions.RARE_WORDS);
        List<String> idxToWord = new ArrayList<>(List.of(Vocabulary.NULL, Vocabulary.START, Vocabulary.END,
                Vocabulary.UNK));
        idxToWord.addAll(words);
        return new Vocabulary(idxToWord, "synthetic vocabulary");
    }

    private static int splitId(String split) {
        Cs231nLayout.checkSplitName(split);
        return Cs231nLayout.SPLITS.indexOf(split);
    }

    /** A well-spread 64-bit seed from several inputs (SplitMix64's finaliser applied in turn). */
    static long mix(long seed, long salt, long a, long b) {
        long h = seed;
        for (long x : new long[] {salt, a, b}) {
            h = finalise(h + 0x9E3779B97F4A7C15L + x);
        }
        return h;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
