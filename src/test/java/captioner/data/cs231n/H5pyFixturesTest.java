package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.io.OtherSchemeFileSystem;
import io.jhdf.HdfFile;
import io.jhdf.api.dataset.ContiguousDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads files written by libhdf5 through h5py (src/test/resources/captioner/data/cs231n/make_h5py_fixtures.py), the normal
 * case for real cs231n data: gzip, shuffle and fletcher32 filters, int64/uint16/uint8 indices, big-endian float64
 * features, both the old (v0 superblock) and the latest file format.
 */
class H5pyFixturesTest {
    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(H5pyFixturesTest.class.getResource(name).toURI());
    }

    /** A writable copy of the valid h5py directory. */
    private Path copyOfH5pyDir() throws IOException, URISyntaxException {
        Path dir = Files.createDirectories(tmp.resolve("h5py"));
        try (Stream<Path> files = Files.list(resource("h5py"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        return dir;
    }

    private static void assertDefaultFixture(Cs231nData data) {
        Fixture f = new Fixture();
        for (String s : List.of("train", "val")) {
            CaptionSplit split = data.split(s);
            assertArrayEquals(Fixture.flat((int[][]) f.captions.get(s + "_captions")), split.captions(), s);
            assertArrayEquals((int[]) f.captions.get(s + "_image_idxs"), split.imageIdxs(), s);
            assertArrayEquals(Fixture.flat((float[][]) f.features.get(s)), split.features(), s);
            assertArrayEquals(f.urls.get(s).split("\n"), split.urls(), s);
        }
        assertEquals(List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "dog", "sits"), data.vocab().words());
    }

    @Test
    void readsH5pyDirectoryInPlace() throws URISyntaxException {
        assertDefaultFixture(Cs231nReader.read(resource("h5py").toString(), null, FeatureKind.PCA, null, 0));
    }

    @Test
    void readsH5pyDirectoryThroughAnotherHadoopScheme() throws URISyntaxException {
        String uri = OtherSchemeFileSystem.SCHEME + "://" + resource("h5py").toAbsolutePath();
        assertDefaultFixture(Cs231nReader.read(uri, OtherSchemeFileSystem.configuration(), FeatureKind.PCA, null, 0));
    }

    @Test
    void readsLatestFormatWithUnlimitedRows() throws IOException, URISyntaxException {
        Path dir = copyOfH5pyDir();
        Files.copy(resource("h5py-extra/latest_captions.h5"), dir.resolve("coco2014_captions.h5"),
                StandardCopyOption.REPLACE_EXISTING);
        assertDefaultFixture(Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0));
    }

    @Test
    void emptyCaptionsAreRejected() throws IOException, URISyntaxException {
        Path dir = copyOfH5pyDir();
        Path captions = dir.resolve("coco2014_captions.h5");
        Files.copy(resource("h5py-extra/empty_captions.h5"), captions, StandardCopyOption.REPLACE_EXISTING);
        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0));
        assertTrue(e.getMessage().contains(captions.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'train_captions' has no captions"), e.getMessage());
    }

    @Test
    void truncatedH5pyFileIsReportedAsTruncated() throws IOException, URISyntaxException {
        Path dir = copyOfH5pyDir();
        Path features = dir.resolve("train2014_vgg16_fc7_pca.h5");
        byte[] bytes = Files.readAllBytes(features);
        Files.write(features, Arrays.copyOf(bytes, bytes.length - 100));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0));
        assertTrue(e.getMessage().contains(features.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /**
     * A file cut inside a contiguous dataset whose superblock was patched to agree: only the dataset's own extent
     * shows the damage. Without that check jhdf would map past the end and read zeros.
     */
    @Test
    void contiguousDataPastTheEndOfTheFileIsCaught() throws IOException, URISyntaxException {
        Path dir = copyOfH5pyDir();
        Path features = dir.resolve("val2014_vgg16_fc7_pca.h5");
        long address;
        try (HdfFile h = new HdfFile(features)) {
            address = ((ContiguousDataset) h.getDatasetByPath("features")).getDataAddress();
        }
        byte[] bytes = Files.readAllBytes(features);
        assertTrue(address + 64 <= bytes.length, "the fixture's data should lie inside the file");
        int cut = (int) address + 16;
        byte[] shorter = Arrays.copyOf(bytes, cut);
        // h5py writes a version 0 superblock: no checksum, end-of-file address at byte 40.
        assertEquals(0, shorter[8], "superblock version");
        ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).putLong(40, cut);
        Files.write(features, shorter);
        BadInputException e = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0));
        assertTrue(e.getMessage().contains(features.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'features'"), e.getMessage());
    }
}
