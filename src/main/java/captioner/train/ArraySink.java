package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes a stream of little-endian floats or doubles, arriving in chunks of any size, straight into
 * an array, with no buffer for the whole message: a value split between two chunks is carried over.
 */
final class ArraySink {
    private final float[] floats;
    private final double[] doubles;
    private final int width;
    /** Where in the array the values go: {@code [start, start + length())}. */
    private final int start;
    private final int count;
    private final ByteBuffer carry = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private int filled;

    /** Writes into {@code target}'s storage, from element 0. */
    ArraySink(Tensor target) {
        this(target.dtype() == DType.FLOAT32 ? target.floatStorage() : target.doubleStorage());
    }

    /** Writes into {@code array} (float[] or double[]), from element 0. */
    ArraySink(Object array) {
        this(array, 0, array instanceof float[] f ? f.length : ((double[]) array).length);
    }

    /** Writes {@code count} values into {@code array} (float[] or double[]) from element {@code start}. */
    ArraySink(Object array, int start, int count) {
        this.floats = array instanceof float[] f ? f : null;
        this.doubles = array instanceof double[] d ? d : null;
        this.width = floats != null ? Float.BYTES : Double.BYTES;
        java.util.Objects.checkFromIndexSize(start, count, floats != null ? floats.length : doubles.length);
        this.start = start;
        this.count = count;
    }

    /** Takes the chunk's remaining bytes. */
    void accept(ByteBuffer chunk) {
        ByteBuffer c = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (carry.position() > 0) {
            while (carry.position() < width && c.hasRemaining()) {
                carry.put(c.get());
            }
            if (carry.position() < width) {
                return;
            }
            carry.flip();
            put(carry);
            carry.clear();
        }
        int n = c.remaining() / width;
        if (n > length() - filled) {
            throw new IllegalStateException("more than " + length() + " values arrived");
        }
        if (floats != null) {
            c.asFloatBuffer().get(floats, start + filled, n);
        } else {
            c.asDoubleBuffer().get(doubles, start + filled, n);
        }
        filled += n;
        c.position(c.position() + n * width);
        carry.put(c);
    }

    /** Whether exactly the whole array arrived. */
    boolean complete() {
        return filled == length() && carry.position() == 0;
    }

    int filled() {
        return filled;
    }

    private void put(ByteBuffer value) {
        if (filled == length()) {
            throw new IllegalStateException("more than " + length() + " values arrived");
        }
        if (floats != null) {
            floats[start + filled++] = value.getFloat();
        } else {
            doubles[start + filled++] = value.getDouble();
        }
    }

    /** How many values the sink takes. */
    int length() {
        return count;
    }
}
