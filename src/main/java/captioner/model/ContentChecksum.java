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
import java.nio.ByteBuffer;
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

    /** Each entry's value: a root attribute's bytes, or a dataset's array, encoded only when digested. */
    private final Map<String, Object> entries = new TreeMap<>();

    /**
     * Records a dataset: {@code data} is its Java array as jhdf writes and reads it (float[][], double[], String[]);
     * it is read when {@link #value} is computed, so it must not change before.
     */
    void dataset(String path, Object data) {
        entries.put("dataset " + path, data);
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
            Encoder digest = new Encoder(sha);
            Encoder counter = new Encoder(null);
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
                sha.update(lengthBytes(key.length));
                sha.update(key);
                if (e.getValue() instanceof byte[] attribute) {
                    sha.update(lengthBytes(attribute.length));
                    sha.update(attribute);
                } else {
                    // A dataset's encoding, preceded by its length: counted in a first pass, digested in a second.
                    counter.count = 0;
                    counter.write(e.getValue());
                    counter.flush();
                    sha.update(lengthBytes(Math.toIntExact(counter.count)));
                    digest.write(e.getValue());
                    digest.flush();
                }
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
                // Reading takes jhdf's buffer and the array, about twice the values; value() reads the array.
                DeclaredSize.require(d, source, d.getPath(), 2 * d.getSizeInBytes());
                dataset(d.getPath(), d.getData());
            } else if (n instanceof Group g) {
                walk(g, source);
            }
        }
    }

    /**
     * Lengths at every level (so shapes count), then the values' bits, big-endian, as {@link DataOutputStream} writes
     * them; fed to the digest through a buffer (or, without one, only counted), so no copy of the values is made.
     */
    private static final class Encoder {
        private final MessageDigest sha;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16); // big-endian, as DataOutputStream writes
        private final DataOutputStream text;
        private final ByteArrayOutputStream textBytes = new ByteArrayOutputStream();
        long count;

        Encoder(MessageDigest sha) {
            this.sha = sha;
            this.text = new DataOutputStream(textBytes);
        }

        void write(Object data) {
            if (data == null || !data.getClass().isArray()) {
                utf("scalar " + data);
                return;
            }
            int n = Array.getLength(data);
            utf(data.getClass().getComponentType().getSimpleName());
            room(4).putInt(n);
            if (data instanceof float[] a) {
                for (int i = 0; i < n; ) {
                    int k = Math.min(n - i, room(4).remaining() / 4);
                    buffer.asFloatBuffer().put(a, i, k); // floatToRawIntBits, as writeInt(floatToRawIntBits(v))
                    buffer.position(buffer.position() + 4 * k);
                    i += k;
                }
            } else if (data instanceof double[] a) {
                for (int i = 0; i < n; ) {
                    int k = Math.min(n - i, room(8).remaining() / 8);
                    buffer.asDoubleBuffer().put(a, i, k);
                    buffer.position(buffer.position() + 8 * k);
                    i += k;
                }
            } else if (data instanceof long[] a) {
                for (long v : a) {
                    room(8).putLong(v);
                }
            } else if (data instanceof int[] a) {
                for (int v : a) {
                    room(4).putInt(v);
                }
            } else if (data instanceof String[] a) {
                for (String v : a) {
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    room(4).putInt(b.length);
                    bytes(b);
                }
            } else if (data instanceof Object[] a) {
                for (Object v : a) {
                    write(v);
                }
            } else {
                throw new IllegalArgumentException("no checksum encoding for " + data.getClass());
            }
        }

        /** {@link DataOutputStream#writeUTF}'s bytes (modified UTF-8 behind a 2-byte length). */
        private void utf(String s) {
            textBytes.reset();
            try {
                text.writeUTF(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes(textBytes.toByteArray());
        }

        private void bytes(byte[] b) {
            for (int i = 0; i < b.length; ) {
                int k = Math.min(b.length - i, room(1).remaining());
                buffer.put(b, i, k);
                i += k;
            }
        }

        /** The buffer, emptied into the digest first when it has fewer than {@code bytes} free. */
        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        void flush() {
            count += buffer.position();
            if (sha != null) {
                sha.update(buffer.array(), 0, buffer.position());
            }
            buffer.clear();
        }
    }

    private static byte[] lengthBytes(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }
}
