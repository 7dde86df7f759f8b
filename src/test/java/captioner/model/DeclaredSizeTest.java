package captioner.model;

import captioner.BadInputException;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.DatasetCreationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Declared HDF5 sizes are checked against the file and the heap before anything is allocated. */
class DeclaredSizeTest {
    @TempDir
    Path tmp;

    private static final Vocabulary VOCAB = new Vocabulary(
            List.of("<NULL>", "<START>", "<END>", "<UNK>", "a", "dog", "cat"), "test");

    /** An LSTM checkpoint whose W_embed is (7, 5), a shape no other dataset has. */
    private Path checkpoint() {
        ModelConfig config = new ModelConfig(CellType.LSTM, VOCAB.size(), 6, 5, 3, VOCAB.nullIdx(), VOCAB.startIdx(),
                VOCAB.endIdx());
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("t", Tensor.of(DType.FLOAT64, new double[] {2}, 1));
        Path file = tmp.resolve("ckpt.h5");
        new Checkpoint(config, VOCAB, CaptioningModel.initialParams(config, DType.FLOAT32, 3), "sgd", state, 2, 1,
                1e-3, new double[] {3.5}, 1, "{}").write(file);
        return file;
    }

    @Test
    void aCheckpointClaimingAHugeParameterIsRefusedByEveryReaderByName() throws IOException {
        Path file = checkpoint();
        assertEquals(1, Hdf5Patch.dims(file, new long[] {7, 5}, new long[] {70_000_000, 5}));
        for (Runnable reader : List.<Runnable>of(() -> Checkpoint.verify(file, "big.h5"),
                () -> Checkpoint.read(file, "big.h5", DType.FLOAT32),
                () -> Checkpoint.readParams(file, "big.h5", DType.FLOAT32, VOCAB))) {
            String m = assertThrows(BadInputException.class, reader::run).getMessage();
            assertTrue(m.startsWith("big.h5: dataset '/params/W_embed' claims 1400000000 bytes at offset ")
                    && m.endsWith(", past the end of the file (" + Files.size(file) + " bytes); the HDF5 file is corrupt"),
                    m);
        }
    }

    @Test
    void aDatasetLargerThanTheFreeHeapNamesWhatItNeedsAndTheFix() {
        Path file = tmp.resolve("chunked.h5");
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            WritableDataset ds = h5.putDataset("features", new float[400][25],
                    DatasetCreationOptions.builder().chunkDimensions(new int[] {100, 25}).deflate(4).build());
            assertTrue(ds != null);
        }
        try (HdfFile h5 = new HdfFile(file)) {
            Dataset ds = h5.getDatasetByPath("features");
            assertTrue(ds instanceof ChunkedDataset, ds.getClass().toString());
            DeclaredSize.require(ds, "chunked.h5", "features", 0);
            // jhdf's array plus its byte buffer of the whole chunked dataset: 2 × 40,000 bytes.
            assertEquals(80_000, DeclaredSize.readingBytes(ds, 0));
            long max = 3L << 30;
            String m = assertThrows(BadInputException.class,
                    () -> DeclaredSize.requireInHeap(ds, "chunked.h5: dataset 'features'", 80_000, 50_000 + max / 10, max)).getMessage();
            assertEquals("chunked.h5: dataset 'features' declares 400 × 25 values of 4 bytes (40.0 KB); reading it "
                    + "needs about 80.0 KB of heap but 50.0 KB of the 3.2 GB are free: give the driver 4 GB or more "
                    + "(CAPTIONER_HEAP=4g for submit/captioner, spark-submit's --driver-memory), or train from a "
                    + "caption table, which Spark reads in partitions (prepare writes one)", m);
        }
    }

    @Test
    void bytesAreWrittenInTheLargestUnitThatKeepsADigit() {
        assertEquals("17 bytes", DeclaredSize.bytes(17));
        assertEquals("50.0 KB", DeclaredSize.bytes(50_000));
        assertEquals("6.8 GB", DeclaredSize.bytes(6_800_000_000L));
    }
}
