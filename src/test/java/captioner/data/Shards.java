package captioner.data;

import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helpers for shards. */
final class Shards {
    private Shards() {
    }

    /** The shards in partition order, checking that every partition holds exactly one. */
    static List<CaptionShard> collect(JavaRDD<CaptionShard> rdd) {
        List<List<CaptionShard>> parts = rdd.glom().collect();
        List<CaptionShard> out = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            assertEquals(1, parts.get(p).size(), "partition " + p + " holds one shard");
            out.add(parts.get(p).get(0));
        }
        return out;
    }

    static void assertSame(List<CaptionShard> expected, List<CaptionShard> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": shard count");
        for (int p = 0; p < expected.size(); p++) {
            CaptionShard a = expected.get(p);
            CaptionShard b = actual.get(p);
            String at = what + ", shard " + p;
            assertEquals(a.captionLength(), b.captionLength(), at);
            assertEquals(a.featureDim(), b.featureDim(), at);
            assertArrayEquals(a.captions(), b.captions(), at + " captions");
            assertArrayEquals(a.captionImage(), b.captionImage(), at + " captionImage");
            assertArrayEquals(a.imageIdxs(), b.imageIdxs(), at + " imageIdxs");
            // Bitwise, not numerically, equal.
            int[] fa = new int[a.features().length];
            int[] fb = new int[b.features().length];
            for (int i = 0; i < fa.length; i++) {
                fa[i] = Float.floatToRawIntBits(a.features()[i]);
            }
            for (int i = 0; i < fb.length; i++) {
                fb[i] = Float.floatToRawIntBits(b.features()[i]);
            }
            assertArrayEquals(fa, fb, at + " features");
        }
    }

    /** The shards concatenated as a split: captions, caption image indices, and each caption's features row. */
    static CaptionSplit concat(List<CaptionShard> shards, CaptionSplit like) {
        int l = like.captionLength();
        int n = shards.stream().mapToInt(CaptionShard::numCaptions).sum();
        int[] captions = new int[n * l];
        int[] imageIdxs = new int[n];
        int c = 0;
        for (CaptionShard s : shards) {
            System.arraycopy(s.captions(), 0, captions, c * l, s.numCaptions() * l);
            for (int k = 0; k < s.numCaptions(); k++) {
                int img = s.imageIdxs()[s.captionImage()[k]];
                imageIdxs[c + k] = img;
                float[] f = java.util.Arrays.copyOfRange(s.features(), s.captionImage()[k] * s.featureDim(),
                        (s.captionImage()[k] + 1) * s.featureDim());
                assertArrayEquals(like.imageFeatures(img), f, "features of image " + img);
            }
            c += s.numCaptions();
        }
        return new CaptionSplit(like.name(), captions, l, imageIdxs, like.features(), like.featureDim(), like.urls());
    }
}
