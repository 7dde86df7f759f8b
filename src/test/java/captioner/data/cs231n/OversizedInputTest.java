package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.model.Hdf5Patch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small coco2014_captions.h5 whose chunked train_captions claims 100,000,000 × 17 values (6.8 GB) is refused by
 * name before anything is allocated, compressed or not; before these checks jhdf allocated it and the JVM ran out of
 * heap.
 */
class OversizedInputTest {
    /** A row count no other number in the file has. */
    private static final int ROWS = 1234;
    private static final long CLAIMED = 100_000_000L;

    @TempDir
    Path tmp;

    /** A good directory with ROWS captions of 17 words, whose captions file then claims CLAIMED rows. */
    static Path hostile(Path dir, boolean compressed) throws IOException {
        Fixture f = new Fixture().chunked();
        f.compressed = compressed;
        int[][] captions = new int[ROWS][17];
        int[] images = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            captions[i][0] = 1;
            captions[i][1] = 4 + i % 4;
            captions[i][2] = 2;
            images[i] = i % 3;
        }
        f.captions.put("train_captions", captions);
        f.captions.put("train_image_idxs", images);
        f.captions.put("val_captions", null);
        f.captions.put("val_image_idxs", null);
        f.features.put("val", null);
        f.urls.put("val", null);
        f.write(dir);
        Path file = dir.resolve(Cs231nLayout.CAPTIONS_FILE);
        assertTrue(Hdf5Patch.dims(file, new long[] {ROWS, 17}, new long[] {CLAIMED, 17}) > 0, "captions patched");
        assertTrue(Hdf5Patch.dims(file, new long[] {ROWS}, new long[] {CLAIMED}) > 0, "image indices patched");
        assertTrue(Files.size(file) < 100_000, "a small file: " + Files.size(file));
        return dir;
    }

    /** The message reading the hostile directory gives; it names the file, the dataset and what it claims. */
    private String refusal(boolean compressed) throws IOException {
        Path dir = hostile(tmp.resolve(compressed ? "deflate" : "plain"), compressed);
        String m = assertThrows(BadInputException.class,
                () -> Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0)).getMessage();
        String start = dir.resolve(Cs231nLayout.CAPTIONS_FILE) + ": dataset 'train_captions' declares "
                + "100,000,000 × 17 values of 4 bytes (6.8 GB) but ";
        assertTrue(m.startsWith(start), m);
        return m.substring(start.length());
    }

    @Test
    void aCompressedDatasetClaimingMoreThanItsChunksCanHoldIsRefused() throws IOException {
        String m = refusal(true);
        assertTrue(m.matches("stores only [0-9.]+ KB compressed, more than the 1032:1 any HDF5 filter achieves; "
                + "the file is corrupt or its chunks are missing"), m);
    }

    @Test
    void anUncompressedDatasetWithMissingChunksIsRefused() throws IOException {
        assertEquals("its chunks hold only 83.9 KB; expected every chunk written (the file is corrupt or was written "
                + "incompletely)", refusal(false));
    }

    @Test
    void theSameFilesReadWhenTheyClaimNothingMore() throws IOException {
        for (boolean compressed : new boolean[] {true, false}) {
            Fixture f = new Fixture().chunked();
            f.compressed = compressed;
            Path dir = f.write(tmp.resolve("good-" + compressed));
            assertEquals(6, Cs231nReader.read(dir.toString(), null, FeatureKind.PCA, null, 0).train().numCaptions());
        }
    }
}
