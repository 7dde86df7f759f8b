package captioner.train;

import captioner.nn.GradientClipping;
import captioner.optim.UpdateRule;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * How the reduce-scatter exchange cuts the flat parameter vector of {@code size} elements: one contiguous slice per
 * partition, {@link GradientClipping#sliceStart} (fixed by the size and the partition count only, and the slices
 * the gradient norm is summed over in every design). Also the layout of the training state the driver and the
 * slices' owners hand each other: partition q's region holds its slice of the parameters, then its slice of each
 * of the update rule's vectors (Adam's m, v) in {@link UpdateRule#state()} order, as raw little-endian numbers; the
 * rule's scalars (Adam's t) travel as doubles beside it.
 *
 * @param vectors how many of the update rule's state entries are vectors of {@code size} elements
 */
record ShardLayout(DType dtype, int size, int partitions, int vectors) implements Serializable {

    static ShardLayout of(Tensor params, UpdateRule rule, int partitions) {
        return new ShardLayout(params.dtype(), params.size(), partitions, vectors(rule, params.size()).size());
    }

    int start(int q) {
        return GradientClipping.sliceStart(size, partitions, q);
    }

    int length(int q) {
        return start(q + 1) - start(q);
    }

    int width() {
        return ParameterChannel.bytes(dtype);
    }

    Object newArray(int length) {
        return dtype == DType.FLOAT32 ? new float[length] : new double[length];
    }

    Tensor wrap(Object array) {
        return array instanceof float[] f ? Tensor.wrap(f, f.length) : Tensor.wrap((double[]) array,
                ((double[]) array).length);
    }

    /** Where partition q's state region starts in the whole state, in bytes. */
    int regionOffset(int q) {
        return (1 + vectors) * start(q) * width();
    }

    int regionBytes(int q) {
        return (1 + vectors) * length(q) * width();
    }

    int stateBytes() {
        return (1 + vectors) * size * width();
    }

    /** The rule's state entries of the parameters' size, in order: sliced with the parameters. */
    static List<Tensor> vectors(UpdateRule rule, int size) {
        List<Tensor> v = new ArrayList<>();
        rule.state().values().stream().filter(t -> t.size() == size).forEach(v::add);
        return v;
    }

    /** The rule's other state entries' values (Adam's step count), in order: every owner holds them whole. */
    static double[] scalars(UpdateRule rule, int size) {
        return rule.state().values().stream().filter(t -> t.size() != size)
                .flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray();
    }

    /** Sets the rule's non-vector entries from {@link #scalars}. */
    static void setScalars(UpdateRule rule, int size, double[] values) {
        int i = 0;
        for (Tensor t : rule.state().values()) {
            if (t.size() != size) {
                for (int j = 0; j < t.size(); j++) {
                    t.set(j, values[i++]);
                }
            }
        }
        if (i != values.length) {
            throw new IllegalStateException(values.length + " scalars of update-rule state where " + i
                    + " were expected");
        }
    }

    /** Writes partition q's slices of {@code params} and {@code vectors} into {@code region} from its position. */
    void write(ByteBuffer region, int q, Tensor params, List<Tensor> vectors) {
        ByteBuffer b = region.slice().order(ByteOrder.LITTLE_ENDIAN);
        put(b, params, q);
        for (Tensor v : vectors) {
            put(b, v, q);
        }
    }

    /** Reads partition q's region (from its position) into {@code params} and {@code vectors}, the reverse of {@link #write}. */
    void read(ByteBuffer region, int q, Tensor params, List<Tensor> vectors) {
        ByteBuffer b = region.slice().order(ByteOrder.LITTLE_ENDIAN);
        get(b, params, q);
        for (Tensor v : vectors) {
            get(b, v, q);
        }
    }

    private void put(ByteBuffer b, Tensor t, int q) {
        int from = start(q);
        int n = length(q);
        if (dtype == DType.FLOAT32) {
            b.asFloatBuffer().put(t.floatStorage(), from, n);
        } else {
            b.asDoubleBuffer().put(t.doubleStorage(), from, n);
        }
        b.position(b.position() + n * width());
    }

    private void get(ByteBuffer b, Tensor t, int q) {
        int from = start(q);
        int n = length(q);
        if (dtype == DType.FLOAT32) {
            b.asFloatBuffer().get(t.floatStorage(), from, n);
        } else {
            b.asDoubleBuffer().get(t.doubleStorage(), from, n);
        }
        b.position(b.position() + n * width());
    }
}
