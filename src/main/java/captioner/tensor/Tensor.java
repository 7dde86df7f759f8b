package captioner.tensor;

import java.util.Arrays;

/**
 * A dense row-major view of a float32 or float64 array: storage, offset and shape. Views share
 * storage, so one flat parameter vector can be read and written through a view per parameter.
 * Element access through {@link #get}/{@link #set} is for tests and cold paths; hot loops live in
 * {@link Kernels}, which reach the primitive arrays directly.
 */
public final class Tensor {
    private final DType dtype;
    final float[] f;
    final double[] d;
    final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(DType dtype, float[] f, double[] d, int offset, int[] shape) {
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.offset = offset;
        this.shape = shape.clone();
        this.size = sizeOf(shape);
        int capacity = f != null ? f.length : d.length;
        if (offset < 0 || offset + size > capacity) {
            throw new IllegalArgumentException("view of shape " + Shapes.format(shape) + " at offset " + offset
                    + " does not fit in storage of " + capacity + " elements");
        }
    }

    public static Tensor zeros(DType dtype, int... shape) {
        int n = sizeOf(shape);
        return dtype == DType.FLOAT32 ? new Tensor(dtype, new float[n], null, 0, shape)
                : new Tensor(dtype, null, new double[n], 0, shape);
    }

    /** Wraps an array without copying (the tensor and the caller share it). */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(DType.FLOAT32, data, null, 0, shape);
    }

    /** Wraps an array without copying (the tensor and the caller share it). */
    public static Tensor wrap(double[] data, int... shape) {
        return new Tensor(DType.FLOAT64, null, data, 0, shape);
    }

    /** A new tensor of {@code dtype} holding {@code values} (rounded to float for float32). */
    public static Tensor of(DType dtype, double[] values, int... shape) {
        if (values.length != sizeOf(shape)) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + Shapes.format(shape));
        }
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < values.length; i++) {
            t.set(i, values[i]);
        }
        return t;
    }

    /**
     * Returns {@code previous} reshaped when its storage can hold {@code shape} in {@code dtype},
     * otherwise a new zeroed tensor; buffers that outlive one batch are reused this way. The
     * contents of a reused buffer are whatever was there before.
     */
    public static Tensor reuse(Tensor previous, DType dtype, int... shape) {
        if (previous != null && previous.dtype == dtype && previous.offset == 0
                && previous.capacity() >= sizeOf(shape)) {
            return new Tensor(dtype, previous.f, previous.d, 0, shape);
        }
        return zeros(dtype, shape);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return size;
    }

    /** The whole backing float array (float32 only); for shipping parameters without a copy. */
    public float[] floatStorage() {
        if (f == null) {
            throw new IllegalStateException("not a float32 tensor");
        }
        return f;
    }

    /** The whole backing double array (float64 only); for shipping parameters without a copy. */
    public double[] doubleStorage() {
        if (d == null) {
            throw new IllegalStateException("not a float64 tensor");
        }
        return d;
    }

    private int capacity() {
        return f != null ? f.length : d.length;
    }

    /** Element {@code i} of the view in row-major order. */
    public double get(int i) {
        checkIndex(i);
        return f != null ? f[offset + i] : d[offset + i];
    }

    public void set(int i, double v) {
        checkIndex(i);
        if (f != null) {
            f[offset + i] = (float) v;
        } else {
            d[offset + i] = v;
        }
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " outside tensor of " + size + " elements");
        }
    }

    /** A view of {@code shape} starting {@code start} elements into this view. */
    public Tensor view(int start, int... shape) {
        if (start < 0 || start + sizeOf(shape) > size) {
            throw new IllegalArgumentException("view of shape " + Shapes.format(shape) + " at " + start
                    + " exceeds tensor of shape " + Shapes.format(this.shape));
        }
        return new Tensor(dtype, f, d, offset + start, shape);
    }

    /** The same elements under another shape of equal size. */
    public Tensor reshape(int... shape) {
        if (sizeOf(shape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.format(this.shape) + " to " + Shapes.format(shape));
        }
        return new Tensor(dtype, f, d, offset, shape);
    }

    /** Index {@code i} of the first axis: a view of rank one less. */
    public Tensor slice(int i) {
        return slices(i, 1).reshape(Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** Indices {@code [from, from + count)} of the first axis. */
    public Tensor slices(int from, int count) {
        if (from < 0 || count < 0 || from + count > shape[0]) {
            throw new IndexOutOfBoundsException("slices [" + from + ", " + (from + count) + ") outside axis 0 of "
                    + Shapes.format(shape));
        }
        int[] s = shape.clone();
        s[0] = count;
        return new Tensor(dtype, f, d, offset + from * (size / Math.max(shape[0], 1)), s);
    }

    public void fill(double v) {
        if (f != null) {
            Arrays.fill(f, offset, offset + size, (float) v);
        } else {
            Arrays.fill(d, offset, offset + size, v);
        }
    }

    /** Copies {@code src} (same size, any dtype) into this view. */
    public void copyFrom(Tensor src) {
        if (src.size != size) {
            throw new IllegalArgumentException("cannot copy " + Shapes.format(src.shape) + " into " + Shapes.format(shape));
        }
        if (f != null && src.f != null) {
            System.arraycopy(src.f, src.offset, f, offset, size);
        } else if (d != null && src.d != null) {
            System.arraycopy(src.d, src.offset, d, offset, size);
        } else {
            for (int i = 0; i < size; i++) {
                set(i, src.get(i));
            }
        }
    }

    /** A contiguous copy in {@code dtype}. */
    public Tensor copy(DType dtype) {
        Tensor t = zeros(dtype, shape);
        t.copyFrom(this);
        return t;
    }

    public double[] toDoubleArray() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = f != null ? f[offset + i] : d[offset + i];
        }
        return out;
    }

    static int sizeOf(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Shapes.format(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " exceeds the largest Java array");
        }
        return (int) n;
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.format(shape) + " " + dtype.label();
    }
}
