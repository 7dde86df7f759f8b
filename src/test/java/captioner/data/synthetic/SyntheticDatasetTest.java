package captioner.data.synthetic;

import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nReader;
import captioner.model.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDatasetTest {
    @TempDir
    Path tmp;

    /** The captions the writer should have written for image {@code index}: five rows of 17 word indices. */
    private static int[] captionsOf(SyntheticWorld world, String split, int index) {
        int[] out = new int[SyntheticDataset.CAPTIONS_PER_IMAGE * SyntheticDataset.CAPTION_LENGTH];
        SyntheticCaptions.encode(world.scene(split, index), world.captionRandom(split, index), world.vocabulary(),
                SyntheticDataset.CAPTIONS_PER_IMAGE, SyntheticDataset.CAPTION_LENGTH, out, 0);
        return out;
    }

    private static Cs231nData read(Path dir) {
        return Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0);
    }

    @Test
    void roundTripGivesExactlyWhatWasGenerated() throws Exception {
        SyntheticDataset.Summary summary = SyntheticDataset.write(tmp.resolve("s"), 60, 11);
        assertEquals(60, summary.trainImages());
        assertEquals(29, summary.valImages());
        Cs231nData data = read(tmp.resolve("s"));
        SyntheticWorld world = new SyntheticWorld(11, 512);
        assertEquals(world.vocabulary().words(), data.vocab().words());
        assertEquals(summary.vocabularySize(), data.vocab().size());
        for (String split : List.of("train", "val")) {
            CaptionSplit s = data.split(split);
            int images = split.equals("train") ? 60 : 29;
            assertEquals(images, s.numImages());
            assertEquals(images * 5, s.numCaptions());
            assertEquals(17, s.captionLength());
            assertEquals(512, s.featureDim());
            float[] expected = new float[512];
            for (int i = 0; i < images; i++) {
                int[] captions = Arrays.copyOfRange(s.captions(), i * 5 * 17, (i + 1) * 5 * 17);
                assertArrayEquals(captionsOf(world, split, i), captions, split + " image " + i);
                for (int k = 0; k < 5; k++) {
                    assertEquals(i, s.imageIdxs()[i * 5 + k]);
                }
                world.features(split, i, world.scene(split, i), expected);
                assertArrayEquals(expected, s.imageFeatures(i), split + " image " + i);
                assertEquals(SyntheticDataset.urlOf(world, split, i), s.urls()[i]);
            }
        }
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() throws Exception {
        SyntheticDataset.write(tmp.resolve("a"), 30, 5);
        SyntheticDataset.write(tmp.resolve("b"), 30, 5);
        SyntheticDataset.write(tmp.resolve("c"), 30, 6);
        CaptionSplit a = read(tmp.resolve("a")).train();
        CaptionSplit b = read(tmp.resolve("b")).train();
        CaptionSplit c = read(tmp.resolve("c")).train();
        assertArrayEquals(a.captions(), b.captions());
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.urls(), b.urls());
        assertFalse(Arrays.equals(a.captions(), c.captions()));
        assertFalse(Arrays.equals(a.features(), c.features()));
    }

    @Test
    void validationOnlyShowsColourObjectPairsThatTrainingNeverShows() throws Exception {
        SyntheticDataset.write(tmp.resolve("s"), 400, 3);
        Cs231nData data = read(tmp.resolve("s"));
        Set<String> trainPairs = pairsInCaptions(data, "train");
        Set<String> valPairs = pairsInCaptions(data, "val");
        Set<String> both = new HashSet<>(trainPairs);
        both.retainAll(valPairs);
        assertTrue(both.isEmpty(), "pairs in both splits: " + both);
        assertEquals(10, valPairs.size(), "all 10 held-out pairs should show in 196 val images");
        assertEquals(70, trainPairs.size(), "all 70 other pairs should show in 400 train images");
        // Every colour and every object of val is seen in training, paired with something else.
        for (String pair : valPairs) {
            String[] co = pair.split(" ");
            assertTrue(trainPairs.stream().anyMatch(p -> p.startsWith(co[0] + " ")), pair);
            assertTrue(trainPairs.stream().anyMatch(p -> p.endsWith(" " + co[1])), pair);
        }
    }

    /** The (colour, object) pair each caption of a split names, read from the words, as a model would see it. */
    private static Set<String> pairsInCaptions(Cs231nData data, String split) {
        List<String> colours = List.of(SyntheticWorld.COLOURS);
        List<String> objects = List.of(SyntheticWorld.OBJECTS);
        List<String> plurals = List.of(SyntheticWorld.OBJECT_PLURALS);
        CaptionSplit s = data.split(split);
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < s.numCaptions(); i++) {
            String colour = null;
            String object = null;
            for (String w : data.vocab().decode(s.captions(), i * 17, 17).split(" ")) {
                if (colours.contains(w)) {
                    colour = w;
                } else if (objects.contains(w)) {
                    object = w;
                } else if (plurals.contains(w)) {
                    object = objects.get(plurals.indexOf(w));
                }
            }
            assertTrue(colour != null && object != null, "caption " + i + " lacks a colour or object");
            pairs.add(colour + " " + object);
        }
        return pairs;
    }

    @Test
    void captionsAreWellFormedAndUseTheWholeVocabulary() throws Exception {
        SyntheticDataset.write(tmp.resolve("s"), 300, 8);
        Cs231nData data = read(tmp.resolve("s"));
        Vocabulary v = data.vocab();
        assertEquals(List.of("<NULL>", "<START>", "<END>", "<UNK>"), v.words().subList(0, 4));
        Set<Integer> used = new HashSet<>();
        int withUnk = 0;
        CaptionSplit s = data.train();
        for (int i = 0; i < s.numCaptions(); i++) {
            int[] c = s.caption(i);
            assertEquals(v.startIdx(), c[0]);
            int end = 1;
            while (c[end] != v.endIdx()) {
                assertTrue(c[end] != v.nullIdx() && c[end] != v.startIdx(), "caption " + i);
                used.add(c[end]);
                end++;
            }
            assertTrue(end - 1 >= 3 && end - 1 <= 15, "caption " + i + " has " + (end - 1) + " words");
            for (int t = end + 1; t < 17; t++) {
                assertEquals(v.nullIdx(), c[t], "caption " + i + " padding");
            }
            if (Arrays.stream(c).anyMatch(x -> x == v.unkIdx())) {
                withUnk++;
            }
        }
        for (int img = 0; img < s.numImages(); img++) {
            Set<String> texts = new HashSet<>();
            for (int k = 0; k < 5; k++) {
                texts.add(v.decode(s.captions(), (img * 5 + k) * 17, 17));
            }
            assertEquals(5, texts.size(), "image " + img + " should have 5 different captions");
        }
        // <UNK> is exercised, but rare (templates 2 and 7, one time in ten: about 2.5% of captions).
        assertTrue(withUnk > 0 && withUnk < s.numCaptions() / 15, withUnk + " captions with <UNK>");
        for (int w = 4; w < v.size(); w++) {
            assertTrue(used.contains(w), "vocabulary word '" + v.word(w) + "' never used");
        }
    }

    @Test
    void featuresLookLikePcaFeaturesAndEncodeAttributesAcrossHeldOutPairs() throws Exception {
        SyntheticDataset.write(tmp.resolve("s"), 400, 21);
        Cs231nData data = read(tmp.resolve("s"));
        CaptionSplit train = data.train();
        double sumSq = 0;
        float max = 0;
        for (float x : train.features()) {
            sumSq += x * x;
            max = Math.max(max, Math.abs(x));
        }
        double rms = Math.sqrt(sumSq / train.features().length);
        assertTrue(rms > 1 && rms < 10, "rms " + rms);
        assertTrue(max > 5 && max < 60, "max " + max);

        // A nearest-centroid reader fitted on train recognises colour and object of validation images, although no
        // validation pair was in train: what the features carry generalises.
        SyntheticWorld world = new SyntheticWorld(21, 512);
        assertTrue(centroidAccuracy(world, train, data.val(), true) > 0.95);
        assertTrue(centroidAccuracy(world, train, data.val(), false) > 0.95);
    }

    private static double centroidAccuracy(SyntheticWorld world, CaptionSplit train, CaptionSplit val,
                                           boolean colour) {
        int classes = colour ? SyntheticWorld.COLOURS.length : SyntheticWorld.OBJECTS.length;
        int d = train.featureDim();
        double[][] mean = new double[classes][d];
        int[] n = new int[classes];
        for (int i = 0; i < train.numImages(); i++) {
            SyntheticScene s = world.scene("train", i);
            int k = colour ? s.colour() : s.object();
            n[k]++;
            for (int j = 0; j < d; j++) {
                mean[k][j] += train.features()[i * d + j];
            }
        }
        int right = 0;
        for (int i = 0; i < val.numImages(); i++) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = val.features()[i * d + j] - mean[k][j] / n[k];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            SyntheticScene s = world.scene("val", i);
            right += best == (colour ? s.colour() : s.object()) ? 1 : 0;
        }
        return right / (double) val.numImages();
    }

    @Test
    void urlsAreSvgDataUrlsShowingTheScene() throws Exception {
        SyntheticWorld world = new SyntheticWorld(2, 512);
        for (int i = 0; i < 20; i++) {
            SyntheticScene scene = world.scene("val", i);
            String url = SyntheticDataset.urlOf(world, "val", i);
            assertTrue(url.startsWith("data:image/svg+xml,"), url);
            assertTrue(url.length() < 700, url.length() + " characters");
            assertFalse(url.contains(" ") || url.contains("<") || url.contains("#"), url);
            String svg = URLDecoder.decode(url.substring("data:image/svg+xml,".length()), StandardCharsets.UTF_8);
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", doc.getDocumentElement().getTagName());
            assertEquals(scene.objectWord(), doc.getElementsByTagName("text").item(0).getTextContent());
            long shapes = Arrays.stream(svg.split("fill='" + scene.colourWord() + "'")).count() - 1;
            assertEquals(scene.count(), shapes, svg);
        }
    }

    @Test
    void splitSizesFollowCoco() {
        assertEquals(40504, SyntheticDataset.valImagesFor(82783));
        assertEquals(1, SyntheticDataset.valImagesFor(1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.write(tmp.resolve("x"), 0, 1));
    }

    @Test
    void heldOutRuleHoldsOutOneColourPerObjectAndEveryColourSomewhere() {
        Set<Integer> heldColours = new HashSet<>();
        for (int o = 0; o < SyntheticWorld.OBJECTS.length; o++) {
            int held = 0;
            for (int c = 0; c < SyntheticWorld.COLOURS.length; c++) {
                if (SyntheticWorld.isHeldOut(c, o)) {
                    held++;
                    heldColours.add(c);
                }
            }
            assertEquals(1, held, SyntheticWorld.OBJECTS[o]);
        }
        assertEquals(SyntheticWorld.COLOURS.length, heldColours.size());
        SyntheticWorld world = new SyntheticWorld(4, 16);
        for (int i = 0; i < 200; i++) {
            SyntheticScene t = world.scene("train", i);
            SyntheticScene v = world.scene("val", i);
            assertFalse(SyntheticWorld.isHeldOut(t.colour(), t.object()), t.toString());
            assertTrue(SyntheticWorld.isHeldOut(v.colour(), v.object()), v.toString());
        }
        assertNotEquals(world.scene("train", 0), new SyntheticWorld(5, 16).scene("train", 0));
    }
}
