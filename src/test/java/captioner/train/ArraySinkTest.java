package captioner.train;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArraySinkTest {
    @Test
    void valuesSplitAcrossChunksOfAnySizeArriveWhole() {
        Random r = new Random(7);
        float[] sent = new float[1001];
        double[] sentD = new double[333];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < sentD.length; i++) {
            sentD[i] = r.nextGaussian();
        }
        for (int chunk : new int[] {1, 3, 5, 7, 4096}) {
            float[] got = new float[sent.length];
            ArraySink sink = new ArraySink(got);
            feed(sink, bytes(sent, null), chunk);
            assertTrue(sink.complete());
            assertArrayEquals(sent, got, "chunks of " + chunk + " bytes");
            double[] gotD = new double[sentD.length];
            ArraySink sinkD = new ArraySink(gotD);
            feed(sinkD, bytes(null, sentD), chunk);
            assertTrue(sinkD.complete());
            assertArrayEquals(sentD, gotD, "chunks of " + chunk + " bytes");
        }
    }

    @Test
    void aShortOrLongStreamIsNoticed() {
        float[] got = new float[4];
        ArraySink sink = new ArraySink(got);
        sink.accept(ByteBuffer.allocate(14));
        assertFalse(sink.complete(), "three values and half of the fourth");
        assertThrows(IllegalStateException.class, () -> new ArraySink(new float[2]).accept(ByteBuffer.allocate(12)));
    }

    @Test
    void aSliceLandsAtItsOffsetAndTouchesNothingElse() {
        float[] sent = {1.5f, -2.25f, 3.125f, 4f, -5.5f};
        for (int chunk : new int[] {1, 3, 4096}) {
            float[] got = new float[9];
            java.util.Arrays.fill(got, 7f);
            ArraySink sink = new ArraySink(got, 3, sent.length);
            feed(sink, bytes(sent, null), chunk);
            assertTrue(sink.complete());
            assertArrayEquals(new float[] {7f, 7f, 7f, 1.5f, -2.25f, 3.125f, 4f, -5.5f, 7f}, got,
                    "chunks of " + chunk + " bytes");
        }
        assertThrows(IllegalStateException.class, () -> new ArraySink(new float[9], 3, 2).accept(ByteBuffer.allocate(12)),
                "a third value does not spill past the slice");
        assertThrows(IndexOutOfBoundsException.class, () -> new ArraySink(new float[9], 5, 5));
    }

    private static ByteBuffer bytes(float[] f, double[] d) {
        ByteBuffer b = ByteBuffer.allocate(f != null ? 4 * f.length : 8 * d.length).order(ByteOrder.LITTLE_ENDIAN);
        if (f != null) {
            b.asFloatBuffer().put(f);
        } else {
            b.asDoubleBuffer().put(d);
        }
        return b;
    }

    private static void feed(ArraySink sink, ByteBuffer all, int chunk) {
        for (int at = 0; at < all.capacity(); at += chunk) {
            sink.accept(all.duplicate().position(at).limit(Math.min(all.capacity(), at + chunk)).slice());
        }
    }
}
