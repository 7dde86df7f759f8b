package captioner.model;

import captioner.BadInputException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of an HDF5 file's contents, stored in the file as the root attribute {@value #ATTRIBUTE}: every dataset
 * (its path, shape and the bits of every value) and every other root attribute (name, type and value; not the
 * writing library's own), in path
 * order, so the same contents give the same checksum however a writer orders them. A file that was truncated,
 * corrupted or changed after it was written no longer matches. Writers record what they write; readers recompute it
 * from what they read.
 */
final class ContentChecksum {
    static final String ATTRIBUTE = "checksum";
    private static final String PREFIX = "sha256:";
    /** The attribute jhdf adds when it closes a file it wrote (its version), not part of what we wrote. */
    private static final String WRITER_ATTRIBUTE = "_jHDF";

    private final Map<String, byte[]> entries = new TreeMap<>();

    /** Records a dataset: {@code data} is its Java array as jhdf writes and reads it (float[][], double[], String[]). */
    void dataset(String path, Object data) {
        entries.put("dataset " + path, encode(data));
    }

    /** Records a root attribute: a String, Long or Double as jhdf writes and reads it. */
    void attribute(String name, Object value) {
        entries.put("attribute " + name, (value.getClass().getSimpleName() + " " + value)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The checksum of everything recorded, e.g. {@code sha256:3f2a...}. */
    String value() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
                sha.update(lengthBytes(key.length));
                sha.update(key);
                sha.update(lengthBytes(e.getValue().length));
                sha.update(e.getValue());
            }
            return PREFIX + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Checks {@code file}'s stored checksum against its contents, reading every dataset.
     *
     * @param required whether a file without a checksum is refused (one of ours) or accepted (h5py's, older ones)
     * @throws BadInputException naming {@code source} when it does not match, or is missing but required
     */
    static void verify(HdfFile file, String source, boolean required) {
        Attribute stored = file.getAttribute(ATTRIBUTE);
        if (stored == null) {
            if (required) {
                throw new BadInputException(source + ": has no '" + ATTRIBUTE + "' attribute; expected a checkpoint "
                        + "written whole by this version");
            }
            return;
        }
        ContentChecksum sum = new ContentChecksum();
        for (Map.Entry<String, Attribute> a : file.getAttributes().entrySet()) {
            if (!a.getKey().equals(ATTRIBUTE) && !a.getKey().equals(WRITER_ATTRIBUTE)) {
                sum.attribute(a.getKey(), a.getValue().getData());
            }
        }
        sum.walk(file, source);
        String expected = String.valueOf(stored.getData());
        String actual = sum.value();
        if (!expected.equals(actual)) {
            throw new BadInputException(source + ": its contents do not match its checksum (stored " + expected
                    + ", contents " + actual + "): the file is corrupt, partial or was changed after it was written");
        }
    }

    private void walk(Group group, String source) {
        for (Node n : group.getChildren().values()) {
            if (n instanceof Dataset d) {
                // The encoding below copies the values into a byte stream that may grow to twice their size.
                DeclaredSize.require(d, source, d.getPath(), 2 * d.getSizeInBytes());
                dataset(d.getPath(), d.getData());
            } else if (n instanceof Group g) {
                walk(g, source);
            }
        }
    }

    /** Lengths at every level (so shapes count), then the values' bits, big-endian. */
    private static byte[] encode(Object data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Object data) throws IOException {
        if (data == null || !data.getClass().isArray()) {
            out.writeUTF("scalar " + data);
            return;
        }
        int n = Array.getLength(data);
        out.writeUTF(data.getClass().getComponentType().getSimpleName());
        out.writeInt(n);
        if (data instanceof float[] a) {
            for (float v : a) {
                out.writeInt(Float.floatToRawIntBits(v));
            }
        } else if (data instanceof double[] a) {
            for (double v : a) {
                out.writeLong(Double.doubleToRawLongBits(v));
            }
        } else if (data instanceof long[] a) {
            for (long v : a) {
                out.writeLong(v);
            }
        } else if (data instanceof int[] a) {
            for (int v : a) {
                out.writeInt(v);
            }
        } else if (data instanceof String[] a) {
            for (String v : a) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        } else if (data instanceof Object[] a) {
            for (Object v : a) {
                write(out, v);
            }
        } else {
            throw new IllegalArgumentException("no checksum encoding for " + data.getClass());
        }
    }

    private static byte[] lengthBytes(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }
}
