package captioner.model;

import captioner.BadInputException;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What jhdf does not check before it allocates a whole dataset: that the size its header declares fits in the file
 * and in the heap. Data and checkpoints come from other people's pipelines; a 50 KB file whose chunked
 * {@code train_captions} claims 100,000,000 × 17 values would otherwise end in an {@code OutOfMemoryError}.
 *
 * <ul>
 *   <li>In the file: a contiguous dataset's bytes lie within it; a chunked one's stored chunks do, an uncompressed
 *       one stores every byte its shape declares (no missing chunks), and a compressed one declares at most
 *       {@value #MAX_COMPRESSION} times what it stores (deflate's limit, the strongest filter jhdf decodes).</li>
 *   <li>In the heap: what reading takes (jhdf's array, for a chunked dataset also its byte buffer of the whole
 *       dataset, and the reader's own converted copy) fits in what is free, less a margin.</li>
 * </ul>
 */
public final class DeclaredSize {
    /** zlib's most extreme ratio: 1032 bytes out per byte in, on long runs of one byte. */
    static final long MAX_COMPRESSION = 1032;
    /** Kept free of the heap: Spark, the vocabulary and the other arrays still need room. */
    static final double HEAP_MARGIN = 0.10;
    private static final long GIB = 1L << 30;

    private DeclaredSize() {
    }

    /**
     * Checks {@code ds} of {@code source} before it is read whole; messages call it {@code name}.
     *
     * @param copyBytes bytes of the copy the reader makes of jhdf's array (e.g. 4 per value when it narrows
     *                  int64 to int), 0 when it keeps jhdf's array
     * @throws BadInputException naming the file, the dataset and the bytes, with what to do
     */
    public static void require(Dataset ds, String source, String name, long copyBytes) {
        String where = source + ": dataset '" + name + "'";
        requireInFile(ds, where, ds.getHdfFile().size());
        Runtime rt = Runtime.getRuntime();
        long needed = readingBytes(ds, copyBytes);
        if (needed > free(rt)) {
            // What looks used may be garbage of an earlier read; only a full collection tells.
            System.gc();
        }
        requireInHeap(ds, where, needed, free(rt), rt.maxMemory());
    }

    /** The file checks alone; {@code where} names the file and dataset. */
    static void requireInFile(Dataset ds, String where, long fileBytes) {
        long declared = ds.getSizeInBytes();
        if (ds instanceof ContiguousDataset c) {
            long address = c.getDataAddress();
            // An all-ones address means "never written": jhdf then returns the fill value; only the heap matters.
            if (address != -1 && (address < 0 || declared < 0 || address + declared > fileBytes)) {
                throw bad(where, "claims " + declared + " bytes at offset " + address + ", past the end of the "
                        + "file (" + fileBytes + " bytes); the HDF5 file is corrupt");
            }
        } else if (ds instanceof ChunkedDataset) {
            long stored = ds.getStorageInBytes();
            boolean compressed = !ds.getFilters().isEmpty();
            if (stored > fileBytes) {
                throw bad(where, "claims " + stored + " bytes of chunks in a file of " + fileBytes
                        + " bytes; the HDF5 file is corrupt");
            }
            if (!compressed && stored < declared) {
                throw bad(where, "declares " + shape(ds) + " (" + bytes(declared) + ") but its chunks hold only "
                        + bytes(stored) + "; expected every chunk written (the file is corrupt or was written "
                        + "incompletely)");
            }
            if (compressed && declared / MAX_COMPRESSION > stored) {
                throw bad(where, "declares " + shape(ds) + " (" + bytes(declared) + ") but stores only "
                        + bytes(stored) + " compressed, more than the " + MAX_COMPRESSION + ":1 any HDF5 filter "
                        + "achieves; the file is corrupt or its chunks are missing");
            }
        }
    }

    /** Fails when reading needs more than {@code free} bytes less the margin of {@code max}. */
    static void requireInHeap(Dataset ds, String where, long needed, long free, long max) {
        long room = free - (long) (HEAP_MARGIN * max);
        if (needed <= room) {
            return;
        }
        long suggestGib = Math.max(1, (max - free + needed + (long) (HEAP_MARGIN * max) + GIB - 1) / GIB);
        throw bad(where, "declares " + shape(ds) + " (" + bytes(ds.getSizeInBytes()) + "); reading it needs "
                + "about " + bytes(needed) + " of heap but " + bytes(Math.max(0, room)) + " of the " + bytes(max)
                + " are free: give the driver " + suggestGib + " GB or more (CAPTIONER_HEAP=" + suggestGib
                + "g for submit/captioner, spark-submit's --driver-memory), or train from a caption table, which "
                + "Spark reads in partitions (prepare writes one)");
    }

    /** jhdf's array, plus its byte buffer of the whole dataset for a chunked one, plus the reader's copy. */
    static long readingBytes(Dataset ds, long copyBytes) {
        long declared = ds.getSizeInBytes();
        return declared + (ds instanceof ChunkedDataset ? declared : 0) + copyBytes;
    }

    private static long free(Runtime rt) {
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    private static BadInputException bad(String where, String what) {
        return new BadInputException(where + " " + what);
    }

    /** "100,000,000 × 17 int32 values". */
    private static String shape(Dataset ds) {
        String dims = Arrays.stream(ds.getDimensionsAsLong()).mapToObj(d -> String.format(Locale.ROOT, "%,d", d))
                .collect(Collectors.joining(" × "));
        return dims + " values of " + ds.getDataType().getSize() + " bytes";
    }

    /** Bytes in the largest unit that keeps a digit before the point: "6.8 GB", "50.0 KB", "17 bytes". */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " bytes";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
