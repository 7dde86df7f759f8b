package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.TaskContext;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;

/**
 * A task's end of the {@link ParameterChannel}: fetches its iteration's parameters into this
 * thread's array and uploads its gradient from a buffer kept for the thread, so that once warmed
 * up a task allocates nothing for either. One connection per executor JVM, opened on first use.
 */
final class ChannelClient {
    /** How long a task waits for the driver (which may be writing a checkpoint) before it fails. */
    private static final long TIMEOUT_SECONDS = 3600;
    private static final ThreadLocal<Object> PARAMS = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> UPLOAD = new ThreadLocal<>();

    private ChannelClient() {
    }

    /** Spark's client factory, one per JVM; it keeps the connection to each driver open. */
    private static final class Factory {
        static final TransportClientFactory INSTANCE =
                new TransportContext(ParameterChannel.conf(), new NoOpRpcHandler()).createClientFactory();
    }

    /**
     * Parameters the driver served: those of {@code iteration}, in an array of this thread's, and how
     * long their bytes took to arrive once the driver had said which iteration it serves.
     */
    record Fetched(long iteration, Object params, long transferNanos) {
    }

    /**
     * The parameters of iteration {@code iteration}, or of a later one if the driver has moved on
     * (this attempt then continues from there); waits until the driver publishes them.
     */
    static Fetched fetch(ParameterChannel.Address at, long iteration) {
        Object into = PARAMS.get();
        if (into == null || length(into) != at.size() || (into instanceof float[]) != (at.dtype() == DType.FLOAT32)) {
            into = at.dtype() == DType.FLOAT32 ? new float[at.size()] : new double[at.size()];
            PARAMS.set(into);
        }
        for (int tries = 1; ; tries++) {
            ByteBuffer request = ByteBuffer.allocate(ParameterChannel.REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            request.put(ParameterChannel.GET).putLong(at.run()).putLong(iteration).flip();
            Stream s = new Stream(into);
            TransportClient client = client(at);
            // The stream is asked for on the I/O thread that reads the GET's answer: the task thread sleeps from
            // the GET until the last byte has arrived (before: I/O thread -> task thread -> I/O thread, two hand-offs).
            client.sendRpc(request, new RpcResponseCallback() {
                @Override
                public void onSuccess(ByteBuffer response) {
                    try {
                        ByteBuffer answer = response.order(ByteOrder.LITTLE_ENDIAN);
                        s.served = answer.getLong();
                        s.crc = answer.getInt();
                        s.streamed = System.nanoTime();
                        client.stream(at.run() + "/" + s.served, s);
                    } catch (RuntimeException e) {
                        s.done.completeExceptionally(e);
                    }
                }

                @Override
                public void onFailure(Throwable e) {
                    s.done.completeExceptionally(e);
                }
            });
            try {
                if (await(s.done, at)) {
                    return new Fetched(s.served, into, System.nanoTime() - s.streamed);
                }
            } catch (UncheckedIOException e) {
                // A task being killed (its round given up) must end, not ask again: the wait may have consumed the
                // thread's interrupt, so Spark's own flag decides.
                TaskContext task = TaskContext.get();
                if (tries >= 3 || Thread.currentThread().isInterrupted() || task != null && task.isInterrupted()) {
                    throw e;
                }
            }
            // The driver moved on while these bytes were read (a late attempt): ask again.
        }
    }

    /**
     * One iteration's parameter bytes on their way into the task's array, checksummed as they arrive; done says
     * whether exactly the bytes the driver checksummed arrived. Written by the connection's I/O thread only.
     */
    private static final class Stream implements StreamCallback {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        final ArraySink sink;
        final CRC32C sum = new CRC32C();
        long served;
        int crc;
        long streamed;

        Stream(Object into) {
            this.sink = new ArraySink(into);
        }

        @Override
        public void onData(String streamId, ByteBuffer chunk) {
            sum.update(chunk.duplicate());
            sink.accept(chunk);
        }

        @Override
        public void onComplete(String streamId) {
            done.complete(sink.complete() && (int) sum.getValue() == crc);
        }

        @Override
        public void onFailure(String streamId, Throwable cause) {
            done.completeExceptionally(cause);
        }
    }

    /** Streams {@code partial} (its loss, counts, timings and gradient) as iteration {@code iteration}'s; returns once the driver has it. */
    static void upload(ParameterChannel.Address at, long iteration, PartialGradient partial) {
        int bytes = at.size() * ParameterChannel.bytes(at.dtype());
        ByteBuffer b = UPLOAD.get();
        if (b == null || b.capacity() != bytes) {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            UPLOAD.set(b);
        }
        b.clear();
        Tensor grads = partial.gradient();
        if (grads.dtype() == DType.FLOAT32) {
            b.asFloatBuffer().put(grads.floatStorage(), 0, at.size());
        } else {
            b.asDoubleBuffer().put(grads.doubleStorage(), 0, at.size());
        }
        ByteBuffer header = ByteBuffer.allocate(ParameterChannel.PUT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ParameterChannel.PUT).putLong(at.run()).putLong(iteration).putInt(partial.index)
                .putDouble(partial.lossSum).putLong(partial.captions).putLong(partial.computeNanos)
                .putLong(partial.paramsNanos).flip();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        client(at).uploadStream(new NioManagedBuffer(header), new NioManagedBuffer(b), new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                done.complete(true);
            }

            @Override
            public void onFailure(Throwable e) {
                done.completeExceptionally(e);
            }
        });
        await(done, at);
    }

    private static TransportClient client(ParameterChannel.Address at) {
        try {
            return Factory.INSTANCE.createClient(at.host(), at.port());
        } catch (IOException e) {
            throw failure("cannot reach the driver's parameter channel at " + at.host() + ":" + at.port(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while connecting to the driver's parameter channel", e);
        }
    }

    private static boolean await(CompletableFuture<Boolean> done, ParameterChannel.Address at) {
        try {
            return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the driver's parameter channel", e);
        } catch (ExecutionException e) {
            throw failure("parameter channel at " + at.host() + ":" + at.port() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw failure("the driver's parameter channel at " + at.host() + ":" + at.port()
                    + " did not answer in " + TIMEOUT_SECONDS + " s", e);
        }
    }

    private static UncheckedIOException failure(String message, Throwable cause) {
        return new UncheckedIOException(new IOException(message, cause));
    }

    private static int length(Object array) {
        return array instanceof float[] f ? f.length : ((double[]) array).length;
    }
}
