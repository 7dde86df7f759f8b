package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.io.OtherSchemeFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input ends in a BadInputException that names the file, the dataset and the first bad row. */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path dir;

    private BadInputException fails(Fixture f) throws IOException {
        dir = f.write(tmp.resolve("d"));
        return failsOn(dir.toString());
    }

    private static BadInputException failsOn(String where) {
        return assertThrows(BadInputException.class,
                () -> Cs231nReader.read(where, null, FeatureKind.PCA, null, 0));
    }

    private static void assertMentions(BadInputException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        }
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    // --- missing things ---

    @Test
    void missingDirectory() {
        Path missing = tmp.resolve("nowhere");
        assertMentions(failsOn(missing.toString()), missing.toString(), "no such directory");
        assertMentions(failsOn(missing.toUri().toString()), missing.toString(), "no such directory");
    }

    @Test
    void directoryIsAFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("plain.txt"), "x");
        assertMentions(failsOn(f.toString()), f.toString(), "not a directory");
    }

    @Test
    void missingCaptionsFile() throws IOException {
        Path d = new Fixture().write(tmp.resolve("d"));
        Files.delete(d.resolve("coco2014_captions.h5"));
        assertMentions(failsOn(d.toString()), d.resolve("coco2014_captions.h5").toString(), "no such file");
    }

    @Test
    void missingVocabularyFile() throws IOException {
        Path d = new Fixture().write(tmp.resolve("d"));
        Files.delete(d.resolve("coco2014_vocab.json"));
        assertMentions(failsOn(d.toString()), d.resolve("coco2014_vocab.json").toString(), "no such file");
    }

    @Test
    void missingFeaturesFile() throws IOException {
        Fixture f = new Fixture();
        f.features.put("val", null);
        assertMentions(fails(f), file("val2014_vgg16_fc7_pca.h5"), "no such file");
    }

    @Test
    void missingFc7FeaturesFileWhenFc7IsAskedFor() throws IOException {
        Path d = new Fixture().write(tmp.resolve("d"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(d.toString(), null, FeatureKind.FC7, null, 0));
        assertMentions(e, d.resolve("train2014_vgg16_fc7.h5").toString(), "no such file");
    }

    @Test
    void missingDataset() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("train_image_idxs", null);
        assertMentions(fails(f), file("coco2014_captions.h5"), "'train_image_idxs'", "no dataset");
    }

    @Test
    void missingFeaturesDataset() throws IOException {
        Path d = new Fixture().write(tmp.resolve("d"));
        Fixture.writeNamed(d.resolve("train2014_vgg16_fc7_pca.h5"), "feats", new float[3][4]);
        dir = d;
        assertMentions(failsOn(d.toString()), file("train2014_vgg16_fc7_pca.h5"), "'features'", "no dataset");
    }

    // --- dtypes and shapes ---

    @Test
    void floatCaptions() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("val_captions", new float[4][5]);
        assertMentions(fails(f), file("coco2014_captions.h5"), "'val_captions'", "float32", "integer");
    }

    @Test
    void integerFeatures() throws IOException {
        Fixture f = new Fixture();
        f.features.put("train", new int[3][4]);
        assertMentions(fails(f), file("train2014_vgg16_fc7_pca.h5"), "'features'", "int32", "float32");
    }

    @Test
    void captionsOfWrongRank() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("train_captions", new int[] {1, 2, 3, 4, 5, 6});
        assertMentions(fails(f), file("coco2014_captions.h5"), "'train_captions'", "shape [6]", "2 dimensions");
    }

    @Test
    void imageIdxsOfWrongRank() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("train_image_idxs", new int[6][1]);
        assertMentions(fails(f), file("coco2014_captions.h5"), "'train_image_idxs'", "shape [6, 1]", "1 dimension");
    }

    @Test
    void featuresOfWrongRank() throws IOException {
        Fixture f = new Fixture();
        f.features.put("val", new float[] {1, 2, 3});
        assertMentions(fails(f), file("val2014_vgg16_fc7_pca.h5"), "'features'", "shape [3]", "2 dimensions");
    }

    @Test
    void imageIdxsCountDiffersFromCaptions() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("val_image_idxs", new int[] {1, 0, 1});
        assertMentions(fails(f), file("coco2014_captions.h5"), "'val_image_idxs' has 3 rows", "'val_captions' has 4");
    }

    @Test
    void trainAndValCaptionWidthsDiffer() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("val_captions", new int[][] {{1, 5, 2, 0}, {1, 6, 2, 0}, {1, 4, 2, 0}, {1, 3, 2, 0}});
        assertMentions(fails(f), file("coco2014_captions.h5"), "'val_captions' has captions of 4 tokens",
                "'train_captions' has 5");
    }

    @Test
    void featureWidthsDiffer() throws IOException {
        Fixture f = new Fixture();
        f.features.put("val", new float[2][5]);
        assertMentions(fails(f), file("val2014_vgg16_fc7_pca.h5"), "5 features per image",
                file("train2014_vgg16_fc7_pca.h5"), "has 4");
    }

    // --- values ---

    @Test
    void wordIndexBeyondVocabulary() throws IOException {
        Fixture f = new Fixture();
        ((int[][]) f.captions.get("train_captions"))[3][2] = 8;
        assertMentions(fails(f), file("coco2014_captions.h5"), "'train_captions' row 3 column 2 holds 8",
                "[0, 8)", file("coco2014_vocab.json"));
    }

    @Test
    void negativeWordIndexInWideIntegers() throws IOException {
        Fixture f = new Fixture();
        long[][] caps = new long[4][5];
        caps[2][4] = -1;
        f.captions.put("val_captions", caps);
        assertMentions(fails(f), file("coco2014_captions.h5"), "'val_captions' row 2 column 4 holds -1", "[0, 8)");
    }

    @Test
    void imageIndexBeyondFeatures() throws IOException {
        Fixture f = new Fixture();
        f.captions.put("val_image_idxs", new int[] {1, 0, 2, 0});
        assertMentions(fails(f), file("coco2014_captions.h5"), "'val_image_idxs' row 2 holds 2", "[0, 2)",
                file("val2014_vgg16_fc7_pca.h5"));
    }

    @Test
    void nanFeature() throws IOException {
        Fixture f = new Fixture();
        ((float[][]) f.features.get("train"))[2][1] = Float.NaN;
        assertMentions(fails(f), file("train2014_vgg16_fc7_pca.h5"), "'features' row 2 column 1 holds NaN", "finite");
    }

    @Test
    void infiniteFeatureInChunkedFile() throws IOException {
        Fixture f = new Fixture().chunked();
        ((float[][]) f.features.get("val"))[1][3] = Float.NEGATIVE_INFINITY;
        assertMentions(fails(f), file("val2014_vgg16_fc7_pca.h5"), "'features' row 1 column 3 holds -Infinity");
    }

    @Test
    void float64FeatureBeyondFloat32() throws IOException {
        Fixture f = new Fixture();
        f.features.put("val", new double[][] {{0, 0, 0, 0}, {0, 1e300, 0, 0}});
        assertMentions(fails(f), file("val2014_vgg16_fc7_pca.h5"), "'features' row 1 column 1", "float32");
    }

    // --- vocabulary ---

    @Test
    void vocabularyWithoutEnd() throws IOException {
        Fixture f = new Fixture();
        f.vocabJson = "{\"idx_to_word\": [\"<NULL>\", \"<START>\", \"a\"], "
                + "\"word_to_idx\": {\"<NULL>\": 0, \"<START>\": 1, \"a\": 2}}";
        assertMentions(fails(f), file("coco2014_vocab.json"), "<END>");
    }

    @Test
    void vocabularyMapsDisagree() throws IOException {
        Fixture f = new Fixture();
        f.vocabJson = f.vocabJson.replace("\"dog\": 6", "\"dog\": 7").replace("\"sits\": 7", "\"sits\": 6");
        assertMentions(fails(f), file("coco2014_vocab.json"), "word_to_idx['dog'] = 7", "agree");
    }

    @Test
    void malformedVocabularyJson() throws IOException {
        Fixture f = new Fixture();
        f.vocabJson = "{\"idx_to_word\": [\"<NULL>\", \n \"<START>\" \"<END>\"]}";
        assertMentions(fails(f), file("coco2014_vocab.json"), "malformed JSON", "line 2");
    }

    @Test
    void vocabularyWithNonStringWord() throws IOException {
        Fixture f = new Fixture();
        f.vocabJson = f.vocabJson.replace("\"sits\"]", "7]");
        assertMentions(fails(f), file("coco2014_vocab.json"), "idx_to_word[7]", "string");
    }

    @Test
    void vocabularyWithoutWordToIdx() throws IOException {
        Fixture f = new Fixture();
        f.vocabJson = "{\"idx_to_word\": [\"<NULL>\", \"<START>\", \"<END>\"]}";
        assertMentions(fails(f), file("coco2014_vocab.json"), "'word_to_idx' is missing");
    }

    // --- broken HDF5 files ---

    @Test
    void truncatedCaptionsFile() throws IOException {
        dir = new Fixture().write(tmp.resolve("d"));
        Path captions = dir.resolve("coco2014_captions.h5");
        byte[] bytes = Files.readAllBytes(captions);
        Files.write(captions, Arrays.copyOf(bytes, bytes.length / 2));
        assertMentions(failsOn(dir.toString()), captions.toString());
    }

    @Test
    void truncatedFeaturesFileAfterTheHeader() throws IOException {
        dir = new Fixture().write(tmp.resolve("d"));
        Path features = dir.resolve("train2014_vgg16_fc7_pca.h5");
        byte[] bytes = Files.readAllBytes(features);
        // Only 20 bytes short: without a check, the memory-mapped read would quietly see zeros.
        Files.write(features, Arrays.copyOf(bytes, bytes.length - 20));
        assertMentions(failsOn(dir.toString()), features.toString(), "truncated");
    }

    @Test
    void notAnHdf5File() throws IOException {
        dir = new Fixture().write(tmp.resolve("d"));
        Path captions = dir.resolve("coco2014_captions.h5");
        Files.writeString(captions, "this is not HDF5 at all, just some text pretending to be a file");
        assertMentions(failsOn(dir.toString()), captions.toString(), "HDF5");
    }

    @Test
    void emptyHdf5File() throws IOException {
        dir = new Fixture().write(tmp.resolve("d"));
        Path features = dir.resolve("val2014_vgg16_fc7_pca.h5");
        Files.write(features, new byte[0]);
        assertMentions(failsOn(dir.toString()), features.toString(), "HDF5");
    }

    @Test
    void corruptCompressedChunk() throws IOException {
        Fixture f = new Fixture().chunked();
        float[][] big = new float[64][16];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 16; j++) {
                big[i][j] = i * 0.5f + j;
            }
        }
        f.features.put("train", big);
        f.features.put("val", new float[2][16]);
        dir = f.write(tmp.resolve("d"));
        Path features = dir.resolve("train2014_vgg16_fc7_pca.h5");
        byte[] bytes = Files.readAllBytes(features);
        // Scribble over the middle of the file, where compressed chunks are, leaving the header alone.
        for (int i = bytes.length / 2; i < bytes.length / 2 + 200 && i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(features, bytes);
        assertMentions(failsOn(dir.toString()), features.toString(), "'features'");
    }

    // --- URIs ---

    @Test
    void unknownUriScheme() {
        BadInputException e = failsOn("nosuchfs://host/data/coco");
        assertMentions(e, "nosuchfs://host/data/coco", "No FileSystem for scheme");
    }

    @Test
    void unreachableNameNode() {
        // Port 1 on loopback refuses at once; no retries so the test does not wait out Hadoop's back-off.
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        String uri = "hdfs://127.0.0.1:1/data/coco";
        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(uri, conf, FeatureKind.PCA, null, 0));
        assertMentions(e, uri, "Connection refused");
    }

    @Test
    void missingDirectoryOnAnotherFileSystem() {
        String uri = OtherSchemeFileSystem.SCHEME + "://" + tmp.resolve("nowhere").toAbsolutePath();
        BadInputException e = assertThrows(BadInputException.class, () -> Cs231nReader.read(uri,
                OtherSchemeFileSystem.configuration(), FeatureKind.PCA, null, 0));
        assertMentions(e, uri, "no such directory");
    }

    @Test
    void missingFileOnAnotherFileSystem() throws IOException {
        Fixture f = new Fixture();
        f.features.put("train", null);
        Path d = f.write(tmp.resolve("d"));
        String uri = OtherSchemeFileSystem.SCHEME + "://" + d.toAbsolutePath();
        BadInputException e = assertThrows(BadInputException.class, () -> Cs231nReader.read(uri,
                OtherSchemeFileSystem.configuration(), FeatureKind.PCA, null, 0));
        assertMentions(e, OtherSchemeFileSystem.SCHEME + ":" + d.toAbsolutePath().resolve("train2014_vgg16_fc7_pca.h5"),
                "no such file");
    }

    @Test
    void corruptFileOnAnotherFileSystemNamesTheRemoteFile() throws IOException {
        dir = new Fixture().write(tmp.resolve("d"));
        Files.writeString(dir.resolve("coco2014_captions.h5"), "garbage");
        String uri = OtherSchemeFileSystem.SCHEME + "://" + dir.toAbsolutePath();
        BadInputException e = assertThrows(BadInputException.class, () -> Cs231nReader.read(uri,
                OtherSchemeFileSystem.configuration(), FeatureKind.PCA, null, 0));
        assertMentions(e, OtherSchemeFileSystem.SCHEME + ":" + dir.toAbsolutePath().resolve("coco2014_captions.h5"));
    }

    // --- urls ---

    @Test
    void urlsFileWithTooFewLines() throws IOException {
        Fixture f = new Fixture();
        f.urls.put("train", "http://x/t0.jpg\nhttp://x/t1.jpg\n");
        assertMentions(fails(f), file("train2014_urls.txt"), "has 2 URL lines", "3 lines",
                file("train2014_vgg16_fc7_pca.h5"));
    }

    @Test
    void urlsFileWithTooManyLines() throws IOException {
        Fixture f = new Fixture();
        f.urls.put("val", "a\nb\nc\nd\n");
        assertMentions(fails(f), file("val2014_urls.txt"), "has 4 URL lines", "2 lines", "line 3");
    }

    // --- arguments ---

    @Test
    void unknownSplitName() throws IOException {
        Path d = new Fixture().write(tmp.resolve("d"));
        BadInputException e = assertThrows(BadInputException.class, () -> Cs231nReader.read(d.toString(), null,
                FeatureKind.PCA, null, 0, java.util.List.of("test")));
        assertMentions(e, "'test'", "train");
        assertMentions(assertThrows(BadInputException.class, () -> FeatureKind.parse("vgg")), "vgg", "pca or fc7");
    }
}
