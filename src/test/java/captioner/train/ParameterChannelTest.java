package captioner.train;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ParameterChannelTest {
    @Test
    void publishingCopiesTheParametersAndChecksumsTheBytesItCopied() {
        Random r = new Random(3);
        // Sizes around the copy slice (16 Ki elements): fewer, exactly one, and several with a remainder.
        for (int size : new int[] {1, 1000, 16 * 1024, 100_003}) {
            float[] f = new float[size];
            double[] d = new double[size];
            for (int i = 0; i < size; i++) {
                f[i] = (float) r.nextGaussian();
                d[i] = r.nextGaussian();
            }
            ByteBuffer fb = ByteBuffer.allocateDirect(size * Float.BYTES);
            int crc = ParameterChannel.copyAndChecksum(f, fb);
            assertEquals(ParameterChannel.checksum(fb.duplicate().clear()), crc, "float32, " + size);
            float[] back = new float[size];
            fb.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
            assertArrayEquals(f, back, "float32, " + size);

            ByteBuffer db = ByteBuffer.allocateDirect(size * Double.BYTES);
            int crcD = ParameterChannel.copyAndChecksum(d, db);
            assertEquals(ParameterChannel.checksum(db.duplicate().clear()), crcD, "float64, " + size);
            double[] backD = new double[size];
            db.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(backD);
            assertArrayEquals(d, backD, "float64, " + size);
        }
    }
}
