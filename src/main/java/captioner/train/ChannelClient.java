package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
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

/**
 * A task's end of the {@link ParameterChannel}: fetches its iteration's parameters into this
 * thread's array and uploads its gradient from a buffer kept for the thread, so that once warmed
 * up a task allocates nothing for either. One connection per executor JVM, opened on first use.
 */
final class ChannelClient {
    /** How long a task waits for the driver before it fails (Spark then retries it). */
    private static final long TIMEOUT_SECONDS = 300;
    private static final ThreadLocal<Object> PARAMS = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> UPLOAD = new ThreadLocal<>();

    private ChannelClient() {
    }

    /** Spark's client factory, one per JVM; it keeps the connection to each driver open. */
    private static final class Factory {
        static final TransportClientFactory INSTANCE =
                new TransportContext(ParameterChannel.conf(), new NoOpRpcHandler()).createClientFactory();
    }

    /** Iteration {@code iteration}'s parameters, in an array of this thread's (float[] or double[]). */
    static Object fetch(ParameterChannel.Address at, long iteration) {
        Object into = PARAMS.get();
        if (into == null || length(into) != at.size() || (into instanceof float[]) != (at.dtype() == DType.FLOAT32)) {
            into = at.dtype() == DType.FLOAT32 ? new float[at.size()] : new double[at.size()];
            PARAMS.set(into);
        }
        ByteBuffer request = ByteBuffer.allocate(ParameterChannel.GET_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        request.put(ParameterChannel.GET).putLong(at.run()).putLong(iteration).flip();
        Object target = into;
        CompletableFuture<Void> done = new CompletableFuture<>();
        client(at).sendRpc(request, new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                try {
                    ByteBuffer r = response.order(ByteOrder.LITTLE_ENDIAN);
                    int expected = at.size() * ParameterChannel.bytes(at.dtype());
                    if (r.remaining() != expected) {
                        throw new IllegalStateException("the driver sent " + r.remaining()
                                + " bytes of parameters; expected " + expected);
                    }
                    if (target instanceof float[] f) {
                        r.asFloatBuffer().get(f);
                    } else {
                        r.asDoubleBuffer().get((double[]) target);
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Throwable e) {
                done.completeExceptionally(e);
            }
        });
        await(done, at);
        return into;
    }

    /** Sends {@code grads} as partition {@code partition}'s attempt {@code attempt}; returns once the driver has it. */
    static void upload(ParameterChannel.Address at, long iteration, int partition, int attempt, Tensor grads)
            {
        int bytes = ParameterChannel.PUT_HEADER + at.size() * ParameterChannel.bytes(at.dtype());
        ByteBuffer b = UPLOAD.get();
        if (b == null || b.capacity() != bytes) {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            UPLOAD.set(b);
        }
        b.clear();
        b.put(ParameterChannel.PUT).putLong(at.run()).putLong(iteration).putInt(partition).putInt(attempt);
        if (grads.dtype() == DType.FLOAT32) {
            b.asFloatBuffer().put(grads.floatStorage(), 0, at.size());
        } else {
            b.asDoubleBuffer().put(grads.doubleStorage(), 0, at.size());
        }
        b.position(bytes).flip();
        CompletableFuture<Void> done = new CompletableFuture<>();
        client(at).sendRpc(b, new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                done.complete(null);
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

    private static void await(CompletableFuture<Void> done, ParameterChannel.Address at) {
        try {
            done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
