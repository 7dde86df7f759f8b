package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fixture written by {@code make_transformer_fixtures.py}: named float64 tensors as
 * {@code {"shape": [...], "data": [...]}} plus a few scalars.
 */
public final class TorchFixture {
    /** Agreement with PyTorch in float64 that the parity tests demand (absolute, at values of order 1). */
    public static final double PARITY = 1e-10;

    private final String name;
    private final JsonNode root;

    private TorchFixture(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    public static TorchFixture load(String name) {
        try (InputStream in = TorchFixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource captioner/nn/" + name);
            }
            return new TorchFixture(name, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean has(String key) {
        return root.has(key);
    }

    /** A tensor of the fixture, copied into {@code dtype}. */
    public Tensor tensor(String key, DType dtype) {
        JsonNode node = root.get(key);
        if (node == null) {
            throw new IllegalArgumentException(name + " has no tensor " + key);
        }
        int[] shape = new int[node.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.get("shape").get(i).asInt();
        }
        double[] data = doubles(node.get("data"));
        return Tensor.of(dtype, data, shape);
    }

    public Tensor tensor(String key) {
        return tensor(key, DType.FLOAT64);
    }

    /** A 0/1 tensor as flags. */
    public boolean[] flags(String key) {
        double[] data = doubles(root.get(key).get("data"));
        boolean[] out = new boolean[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] != 0;
        }
        return out;
    }

    public double[] array(String key) {
        return doubles(root.get(key));
    }

    /** A list of strings, e.g. a state_dict's keys. */
    public java.util.List<String> strings(String key) {
        java.util.List<String> out = new java.util.ArrayList<>();
        root.get(key).forEach(n -> out.add(n.asText()));
        return out;
    }

    public double number(String key) {
        return root.get(key).asDouble();
    }

    public boolean bool(String key) {
        return root.get(key).asBoolean();
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** Asserts same shape and every element within {@code tolerance} of the fixture's {@code key}. */
    public void assertClose(String key, Tensor actual, double tolerance) {
        Tensor expected = tensor(key);
        assertArrayEquals(expected.shape(), actual.shape(), name + " " + key + ": shape");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.size(); i++) {
            double d = Math.abs(expected.get(i) - actual.get(i));
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        double w = worst;
        int where = at;
        assertTrue(w <= tolerance, () -> name + " " + key + ": largest difference " + w + " at element " + where
                + " is above " + tolerance);
    }
}
