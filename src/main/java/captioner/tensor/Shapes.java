package captioner.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The one place that checks argument shapes and words the error: it names the argument and both shapes. */
public final class Shapes {
    private Shapes() {
    }

    /** Throws unless {@code t} has exactly {@code expected} shape. */
    public static void require(String argument, Tensor t, int... expected) {
        if (t == null) {
            throw new IllegalArgumentException(argument + ": expected shape " + format(expected) + " but got null");
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(argument + ": expected shape " + format(expected) + " but got "
                    + format(t.shape()));
        }
    }

    /** Throws unless {@code t} has the given rank; returns it for chaining. */
    public static Tensor requireRank(String argument, Tensor t, int rank, String meaning) {
        if (t == null || t.rank() != rank) {
            throw new IllegalArgumentException(argument + ": expected a rank-" + rank + " tensor " + meaning
                    + " but got " + (t == null ? "null" : format(t.shape())));
        }
        return t;
    }

    /** Throws unless both tensors have the same dtype. */
    public static void requireDType(String argument, Tensor t, DType expected) {
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(argument + ": expected " + expected.label() + " but got " + t.dtype().label());
        }
    }

    /** {@code (2, 3, 4)}, numpy style. */
    public static String format(int... shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
