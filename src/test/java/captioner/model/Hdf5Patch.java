package captioner.model;

import io.jhdf.checksum.ChecksumUtils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a hostile HDF5 file out of a good one: the dimensions a dataspace message declares are rewritten in place
 * (HDF5 stores them as 8-byte little-endian numbers) and the checksum of the version-2 object header holding them
 * (jhdf writes those) is recomputed, so the file stays small and readable while a dataset claims any size.
 */
public final class Hdf5Patch {
    private Hdf5Patch() {
    }

    /** Replaces every occurrence of the dimensions {@code from} by {@code to}; returns how many it replaced. */
    public static int dims(Path file, long[] from, long[] to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] find = encode(from);
        byte[] put = encode(to);
        int replaced = 0;
        for (int i = 0; i + find.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + find.length, find, 0, find.length)) {
                System.arraycopy(put, 0, bytes, i, put.length);
                resum(bytes, i);
                replaced++;
            }
        }
        Files.write(file, bytes);
        return replaced;
    }

    /** Recomputes the checksum of the object header ("OHDR", version 2) that holds offset {@code at}. */
    private static void resum(byte[] bytes, int at) {
        int start = at;
        while (start >= 0 && !(bytes[start] == 'O' && bytes[start + 1] == 'H' && bytes[start + 2] == 'D'
                && bytes[start + 3] == 'R')) {
            start--;
        }
        if (start < 0) {
            return;
        }
        int flags = bytes[start + 5] & 0xff;
        int p = start + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int sizeBytes = 1 << (flags & 0x3);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long chunk = switch (sizeBytes) {
            case 1 -> bytes[p] & 0xff;
            case 2 -> b.getShort(p) & 0xffff;
            case 4 -> b.getInt(p) & 0xffffffffL;
            default -> b.getLong(p);
        };
        int end = Math.toIntExact(p + sizeBytes + chunk);
        b.putInt(end, ChecksumUtils.checksum(java.util.Arrays.copyOfRange(bytes, start, end)));
    }

    private static byte[] encode(long[] dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * dims.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long d : dims) {
            b.putLong(d);
        }
        return b.array();
    }
}
