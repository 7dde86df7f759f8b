package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.io.LocalFile;
import captioner.model.DeclaredSize;
import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * An HDF5 file opened with jhdf that reports every problem as a {@link BadInputException} naming the file, the
 * dataset and, for bad values, the first bad row. jhdf signals corrupt or truncated files with its own runtime
 * exceptions (and sometimes plain {@code BufferUnderflowException}s or NPEs); none of those may escape.
 *
 * <p>Dtype policy: indices may be stored as any HDF5 integer type (int8..int64, uint8..uint64, either byte order);
 * they are range-checked and narrowed to {@code int}. Features must be floating point: float32 (and float16) are
 * read as they are, float64 is narrowed to float32 (a value outside float32's range is an error). jhdf's
 * {@code getDataFlat()} gives one flat primitive array, so nothing goes through boxed rows; a contiguous
 * dataset is read straight from the memory-mapped file, a chunked one through one byte buffer of the whole
 * dataset, i.e. twice its size for a moment.
 */
final class Hdf5Input implements AutoCloseable {
    /** The largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final HdfFile hdf;
    private final String fileName;
    /** Where the superblock says the file ends; set by {@link #requireComplete}. */
    private long endOfFile = Long.MAX_VALUE;

    private Hdf5Input(HdfFile hdf, String fileName) {
        this.hdf = hdf;
        this.fileName = fileName;
    }

    static Hdf5Input open(LocalFile file) {
        HdfFile hdf;
        try {
            hdf = new HdfFile(file.path());
        } catch (RuntimeException e) {
            throw new BadInputException(file.displayName() + ": cannot open as HDF5 (" + e
                    + "); expected an HDF5 file as written by h5py, the file may be truncated or corrupt", e);
        }
        Hdf5Input in = new Hdf5Input(hdf, file.displayName());
        try {
            in.requireComplete(file.path());
            return in;
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * jhdf memory-maps datasets, and reading a mapping past the end of a truncated file gives zeros within the
     * last page (silently wrong data) or a SIGBUS beyond it. The superblock records where the file should end, as
     * libhdf5 checks too, so compare that with the real size before reading anything.
     */
    private void requireComplete(Path path) {
        long expected = guard("(superblock)", () -> {
            Superblock sb = hdf.getHdfBackingStorage().getSuperblock();
            return sb.getBaseAddressByte() + sb.getEndOfFileAddress();
        });
        long actual;
        try {
            actual = Files.size(path);
        } catch (IOException e) {
            throw new BadInputException(fileName + ": cannot read its size (" + e + ")", e);
        }
        endOfFile = expected;
        if (actual < expected) {
            throw new BadInputException(fileName + ": is truncated: it has " + actual + " bytes but its HDF5 header "
                    + "says " + expected + "; expected the complete file (was a download or copy cut short?)");
        }
    }

    String fileName() {
        return fileName;
    }

    boolean has(String dataset) {
        return guard(dataset, () -> hdf.getChildren().containsKey(dataset));
    }

    /**
     * The dimensions of {@code dataset}, which must have {@code rank} dimensions.
     *
     * @param expected the expected shape, for the message, e.g. "(num_captions, 17)"
     */
    long[] shape(String dataset, int rank, String expected) {
        Dataset ds = dataset(dataset);
        long[] dims = guard(dataset, ds::getDimensionsAsLong);
        if (dims.length != rank) {
            throw bad(dataset, "has shape " + Arrays.toString(dims) + "; expected " + rank + " dimension"
                    + (rank == 1 ? "" : "s") + " " + expected);
        }
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size > MAX_ARRAY) {
            throw bad(dataset, "has shape " + Arrays.toString(dims) + ", " + size
                    + " values, more than one Java array holds (" + MAX_ARRAY + ")");
        }
        return dims;
    }

    /**
     * Reads an integer dataset of {@code rowLength} values per row as one flat int array, every value in
     * [0, bound).
     *
     * @param meaning what a value is, for the message, e.g. "a word index"
     * @param where   where the bound comes from, for the message, e.g. "coco2014_vocab.json has 1004 words"
     */
    int[] readIndices(String dataset, int rowLength, long bound, String meaning, String where) {
        Dataset ds = dataset(dataset);
        DataType type = guard(dataset, ds::getDataType);
        if (!(type instanceof FixedPoint)) {
            throw bad(dataset, "has dtype " + describe(type) + "; expected an integer dtype (int32 as cs231n writes it)");
        }
        long size = guard(dataset, ds::getSize);
        if (size == 0) {
            return new int[0];
        }
        // jhdf gives int[] for int32; any other integer type is copied into one.
        boolean int32 = type.getSize() == 4 && ((FixedPoint) type).isSigned();
        requireReadable(dataset, ds, int32 ? 0 : 4 * size);
        Object flat = guard(dataset, ds::getDataFlat);
        int[] out;
        if (flat instanceof int[] ints) {
            out = ints;
            for (int i = 0; i < ints.length; i++) {
                if (ints[i] < 0 || ints[i] >= bound) {
                    throw outOfRange(dataset, i, rowLength, Integer.toString(ints[i]), bound, meaning, where);
                }
            }
        } else {
            out = new int[Math.toIntExact(size)];
            for (int i = 0; i < out.length; i++) {
                long v = integerAt(flat, i, dataset);
                if (v < 0 || v >= bound) {
                    throw outOfRange(dataset, i, rowLength, integerText(flat, i), bound, meaning, where);
                }
                out[i] = (int) v;
            }
        }
        return out;
    }

    /**
     * Checks that every value of an already-read index array lies in [0, bound), reporting the first that does not
     * as a row (and column) of {@code dataset} in {@code file}.
     */
    static void requireInRange(String file, String dataset, int[] values, int rowLength, long bound, String meaning,
                               String where) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= bound) {
                throw new BadInputException(file + ": dataset '" + dataset + "' " + position(i, rowLength) + " holds "
                        + values[i] + "; expected " + meaning + " in [0, " + bound + ")" + parenthesised(where));
            }
        }
    }

    /** Reads a floating-point dataset of {@code rowLength} values per row as one flat float array, all finite. */
    float[] readFeatures(String dataset, int rowLength) {
        Dataset ds = dataset(dataset);
        DataType type = guard(dataset, ds::getDataType);
        if (!(type instanceof FloatingPoint)) {
            throw bad(dataset, "has dtype " + describe(type) + "; expected float32 features");
        }
        long size = guard(dataset, ds::getSize);
        if (size == 0) {
            return new float[0];
        }
        // float64 is narrowed into a float array of its own.
        requireReadable(dataset, ds, type.getSize() == 8 ? 4 * size : 0);
        Object flat = guard(dataset, ds::getDataFlat);
        float[] out;
        if (flat instanceof float[] floats) {
            out = floats;
        } else if (flat instanceof double[] doubles) {
            out = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                double d = doubles[i];
                if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                    throw bad(dataset, position(i, rowLength) + " holds " + d
                            + ", outside float32's range; expected finite float32 features");
                }
                out[i] = (float) d;
            }
        } else {
            throw bad(dataset, "has dtype " + describe(type) + " that jhdf reads as " + flat.getClass().getSimpleName()
                    + "; expected float32 features");
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw bad(dataset, position(i, rowLength) + " holds " + out[i] + "; expected finite features");
            }
        }
        return out;
    }

    /** Whether the declared size fits in the file and the heap, before jhdf allocates it ({@link DeclaredSize}). */
    private void requireReadable(String dataset, Dataset ds, long copyBytes) {
        guard(dataset, () -> {
            DeclaredSize.require(ds, fileName, dataset, copyBytes);
            return null;
        });
    }

    @Override
    public void close() {
        try {
            hdf.close();
        } catch (RuntimeException e) {
            // Everything needed has been read; a failure to release the file is not the user's problem.
        }
    }

    private Dataset dataset(String name) {
        Node node = guard(name, () -> hdf.getChildren().get(name));
        if (node == null) {
            throw new BadInputException(fileName + ": no dataset '" + name + "'; expected it in the cs231n layout (found "
                    + guard(name, () -> hdf.getChildren().keySet()) + ")");
        }
        if (!(node instanceof Dataset ds)) {
            throw bad(name, "is a " + node.getType() + "; expected a dataset");
        }
        return ds;
    }

    /** Runs a jhdf call, turning whatever jhdf throws on a broken file into a message naming file and dataset. */
    private <T> T guard(String dataset, Supplier<T> call) {
        try {
            return call.get();
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            // InternalError is how the JVM reports a fault reading a memory-mapped file that shrank under it.
            throw new BadInputException(fileName + ": dataset '" + dataset + "' cannot be read (" + e
                    + "); the HDF5 file may be truncated or corrupt", e);
        }
    }

    private BadInputException bad(String dataset, String what) {
        return new BadInputException(fileName + ": dataset '" + dataset + "' " + what);
    }

    private BadInputException outOfRange(String dataset, int i, int rowLength, String value, long bound,
                                         String meaning, String where) {
        return bad(dataset, position(i, rowLength) + " holds " + value + "; expected " + meaning + " in [0, " + bound
                + ")" + parenthesised(where));
    }

    private static String parenthesised(String where) {
        return where == null || where.isEmpty() ? "" : " (" + where + ")";
    }

    /** "row r column c" of a flat row-major index, or "row r" for one value per row. */
    static String position(long flatIndex, int rowLength) {
        if (rowLength == 1) {
            return "row " + flatIndex;
        }
        return "row " + flatIndex / rowLength + " column " + flatIndex % rowLength;
    }

    /** Element {@code i} of a jhdf integer array, or Long.MIN_VALUE / MAX_VALUE for a uint64 beyond long. */
    private long integerAt(Object flat, int i, String dataset) {
        if (flat instanceof long[] a) {
            return a[i];
        } else if (flat instanceof short[] a) {
            return a[i];
        } else if (flat instanceof byte[] a) {
            return a[i];
        } else if (flat instanceof BigInteger[] a) {
            // jhdf reads uint64 as BigInteger; anything past long is out of range anyway.
            return a[i].bitLength() < 64 ? a[i].longValue() : Long.MAX_VALUE;
        }
        throw bad(dataset, "is read by jhdf as " + flat.getClass().getSimpleName() + "; expected an integer array");
    }

    private static String integerText(Object flat, int i) {
        if (flat instanceof long[] a) {
            return Long.toString(a[i]);
        } else if (flat instanceof short[] a) {
            return Short.toString(a[i]);
        } else if (flat instanceof byte[] a) {
            return Byte.toString(a[i]);
        } else if (flat instanceof BigInteger[] a) {
            return a[i].toString();
        }
        return "?";
    }

    /** An HDF5 dtype in numpy's words: int32, uint8, float64... */
    static String describe(DataType type) {
        if (type instanceof FixedPoint fp) {
            return (fp.isSigned() ? "int" : "uint") + fp.getSize() * 8;
        }
        if (type instanceof FloatingPoint) {
            return "float" + type.getSize() * 8;
        }
        return type == null ? "unknown" : type.getClass().getSimpleName() + " (" + type.getSize() + " bytes)";
    }
}
