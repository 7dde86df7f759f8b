package captioner.data.classify;

import captioner.BadInputException;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An integer array read from a numpy {@code .npy} file (format versions 1 to 3): signed or unsigned integers of 1,
 * 2, 4 or 8 bytes or booleans, either byte order, C or Fortran order; read into row-major {@code int}s. Values
 * outside int's range and other dtypes are bad input naming the file.
 *
 * @param shape  the array's shape (C order)
 * @param values every element, row-major
 */
public record NpyInts(int[] shape, int[] values) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([iub])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads {@code in} to its end; {@code name} names the file in messages. */
    public static NpyInts read(InputStream in, String name) {
        try {
            DataInputStream data = new DataInputStream(in);
            byte[] magic = new byte[8];
            data.readFully(magic);
            for (int i = 0; i < MAGIC.length; i++) {
                if (magic[i] != MAGIC[i]) {
                    throw new BadInputException(name + ": not a numpy .npy file (no \\x93NUMPY magic)");
                }
            }
            int major = magic[6];
            int headerLength;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(Short.reverseBytes(data.readShort()));
            } else if (major == 2 || major == 3) {
                headerLength = Integer.reverseBytes(data.readInt());
            } else {
                throw new BadInputException(name + ": .npy format version " + major + " is unknown; expected 1, 2 or 3");
            }
            byte[] headerBytes = new byte[headerLength];
            data.readFully(headerBytes);
            String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher descr = DESCR.matcher(header);
            Matcher fortran = FORTRAN.matcher(header);
            Matcher shapeText = SHAPE.matcher(header);
            if (!descr.find()) {
                throw new BadInputException(name + ": holds " + describe(header) + "; expected an integer array "
                        + "(numpy int8 … int64, uint8 … uint64 or bool)");
            }
            if (!fortran.find() || !shapeText.find()) {
                throw new BadInputException(name + ": .npy header without fortran_order or shape: " + header.trim());
            }
            int[] shape = parseShape(shapeText.group(1), name);
            ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            char kind = descr.group(2).charAt(0);
            int width = Integer.parseInt(descr.group(3));
            if (kind == 'b' ? width != 1 : width != 1 && width != 2 && width != 4 && width != 8) {
                throw new BadInputException(name + ": element type " + descr.group(2) + width + " is not an integer type "
                        + "numpy writes; expected 1, 2, 4 or 8 bytes");
            }
            long count = 1;
            for (int s : shape) {
                count *= s;
            }
            if (count * width > Integer.MAX_VALUE - 8) {
                throw new BadInputException(name + ": " + count + " elements are more than one array holds");
            }
            byte[] raw = new byte[(int) (count * width)];
            try {
                data.readFully(raw);
            } catch (java.io.EOFException e) {
                throw new BadInputException(name + ": is truncated: its header announces " + count + " elements of "
                        + width + " bytes (shape " + java.util.Arrays.toString(shape) + ")", e);
            }
            ByteBuffer buffer = ByteBuffer.wrap(raw).order(order);
            int[] values = new int[(int) count];
            for (int i = 0; i < values.length; i++) {
                long v = switch (width) {
                    case 1 -> kind == 'i' ? buffer.get() : Byte.toUnsignedLong(buffer.get());
                    case 2 -> kind == 'i' ? buffer.getShort() : Short.toUnsignedLong(buffer.getShort());
                    case 4 -> kind == 'i' ? buffer.getInt() : Integer.toUnsignedLong(buffer.getInt());
                    default -> buffer.getLong();
                };
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE || (width == 8 && kind == 'u' && v < 0)) {
                    throw new BadInputException(name + ": element " + i + " (" + Long.toUnsignedString(v)
                            + ") is outside the int range");
                }
                values[i] = (int) v;
            }
            if (fortran.group(1).equals("True") && shape.length > 1) {
                values = toRowMajor(values, shape);
            }
            return new NpyInts(shape, values);
        } catch (java.io.EOFException e) {
            throw new BadInputException(name + ": is truncated inside its .npy header", e);
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read it (" + e + ")", e);
        }
    }

    private static String describe(String header) {
        Matcher m = Pattern.compile("'descr'\\s*:\\s*('[^']*'|\\[.*?\\])").matcher(header);
        return m.find() ? "elements of numpy type " + m.group(1) : "no element type";
    }

    private static int[] parseShape(String text, String name) {
        String[] parts = text.split(",");
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (String p : parts) {
            if (!p.isBlank()) {
                try {
                    dims.add(Integer.parseInt(p.trim()));
                } catch (NumberFormatException e) {
                    throw new BadInputException(name + ": shape (" + text + ") is not a list of sizes", e);
                }
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Fortran (column-major) order to C order. */
    private static int[] toRowMajor(int[] values, int[] shape) {
        int[] out = new int[values.length];
        int rank = shape.length;
        int[] index = new int[rank];
        for (int f = 0; f < values.length; f++) {
            int c = 0;
            for (int a = 0; a < rank; a++) {
                c = c * shape[a] + index[a];
            }
            out[c] = values[f];
            for (int a = 0; a < rank && ++index[a] == shape[a]; a++) {
                index[a] = 0;
            }
        }
        return out;
    }
}
