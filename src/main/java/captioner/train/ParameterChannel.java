package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's end of the parameter channel: a server of Spark's own transport library (the one its
 * block manager and shuffle service use) from which each task fetches its iteration's parameters and
 * to which it uploads its partition's gradient, as raw little-endian floats in one message each way.
 *
 * <p>Why not a broadcast and a task result: on a cluster both go through several serializers, growing
 * buffers and block-manager round trips; measured on a 2-worker standalone cluster with the cs231n
 * LSTM (7.5 MB of parameters), they cost 125-180 ms per iteration against a 100 ms compute
 * (docs/speed.md). Here the bytes are copied into one direct buffer per iteration and out of the
 * messages straight into float arrays.
 *
 * <p>An upload is kept under its partition and task attempt; the driver takes the one of the attempt
 * Spark reports successful, so a failed or retried attempt's upload is never summed. Parameters are
 * served only for the iteration being computed: a task of another iteration (a zombie) is refused.
 */
final class ParameterChannel implements AutoCloseable {
    static final byte GET = 1;
    static final byte PUT = 2;
    /** op, run, iteration */
    static final int GET_BYTES = 1 + 8 + 8;
    /** op, run, iteration, partition, attempt */
    static final int PUT_HEADER = 1 + 8 + 8 + 4 + 4;

    /** Where tasks find the channel, and the run it belongs to. */
    record Address(String host, int port, long run, DType dtype, int size) implements Serializable {
    }

    private final TransportContext context;
    private final TransportServer server;
    private final Address address;
    private final ByteBuffer params;
    private volatile long iteration = -1;
    private final Map<Long, Tensor> uploads = new ConcurrentHashMap<>();
    private final ArrayDeque<Tensor> spare = new ArrayDeque<>();

    /**
     * Starts the server on {@code bindHost}, port {@code port} (0: any free one), for parameters of
     * {@code size} elements of {@code dtype}; tasks reach it at {@code advertisedHost}.
     */
    ParameterChannel(String bindHost, String advertisedHost, int port, DType dtype, int size) {
        this.params = ByteBuffer.allocateDirect(size * bytes(dtype)).order(ByteOrder.LITTLE_ENDIAN);
        this.context = new TransportContext(conf(), new Handler());
        this.server = context.createServer(bindHost, port, List.of());
        this.address = new Address(advertisedHost, server.getPort(), new java.security.SecureRandom().nextLong(),
                dtype, size);
    }

    /** Spark's transport settings for the channel (module "captioner"): one I/O thread each side is plenty. */
    static TransportConf conf() {
        return new TransportConf("captioner", new MapConfigProvider(Map.of(
                "spark.captioner.io.serverThreads", "1",
                "spark.captioner.io.clientThreads", "1",
                "spark.captioner.io.numConnectionsPerPeer", "1")));
    }

    Address address() {
        return address;
    }

    static int bytes(DType dtype) {
        return dtype == DType.FLOAT32 ? Float.BYTES : Double.BYTES;
    }

    /** Serves {@code storage} (float[] or double[]) as iteration {@code it}'s parameters, until the next call. */
    void publish(long it, Object storage) {
        // No task of the previous iteration still reads the buffer: its job ended before the driver updated.
        iteration = -1;
        ByteBuffer b = params.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        if (storage instanceof float[] f) {
            b.asFloatBuffer().put(f);
        } else {
            b.asDoubleBuffer().put((double[]) storage);
        }
        iteration = it;
    }

    /**
     * The gradient uploaded by {@code partition}'s attempt {@code attempt} in the current iteration.
     *
     * @throws IllegalStateException when that attempt reported success but uploaded nothing (a bug)
     */
    Tensor take(int partition, int attempt) {
        Tensor g = uploads.remove(key(partition, attempt));
        if (g == null) {
            throw new IllegalStateException("partition " + partition + " attempt " + attempt
                    + " reported success, but its gradient never reached the driver");
        }
        return g;
    }

    /** The iteration is summed: its gradient buffers, and any upload of an attempt that failed, are reused. */
    void recycle(List<Tensor> used) {
        synchronized (spare) {
            spare.addAll(used);
            for (Long k : uploads.keySet()) {
                Tensor g = uploads.remove(k);
                if (g != null) {
                    spare.add(g);
                }
            }
        }
    }

    @Override
    public void close() {
        server.close();
        context.close();
    }

    private static long key(int partition, int attempt) {
        return ((long) partition << 32) | (attempt & 0xffffffffL);
    }

    private Tensor buffer() {
        synchronized (spare) {
            Tensor g = spare.poll();
            if (g != null) {
                return g;
            }
        }
        return Tensor.zeros(address.dtype(), address.size());
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            try {
                ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
                byte op = m.get();
                long run = m.getLong();
                long it = m.getLong();
                if (run != address.run()) {
                    throw new IllegalStateException("a task of another run reached this driver's parameter channel");
                }
                if (it != iteration) {
                    throw new IllegalStateException("iteration " + (it + 1) + " is over; the driver is at iteration "
                            + (iteration + 1));
                }
                if (op == GET) {
                    callback.onSuccess(params.duplicate().clear());
                } else if (op == PUT) {
                    int partition = m.getInt();
                    int attempt = m.getInt();
                    Tensor g = buffer();
                    int expected = address.size() * bytes(address.dtype());
                    if (m.remaining() != expected) {
                        throw new IllegalStateException("partition " + partition + " uploaded " + m.remaining()
                                + " bytes of gradient; expected " + expected);
                    }
                    if (address.dtype() == DType.FLOAT32) {
                        m.asFloatBuffer().get(g.floatStorage());
                    } else {
                        m.asDoubleBuffer().get(g.doubleStorage());
                    }
                    uploads.put(key(partition, attempt), g);
                    callback.onSuccess(ByteBuffer.allocate(0));
                } else {
                    throw new IllegalStateException("unknown parameter channel request " + op);
                }
            } catch (RuntimeException e) {
                callback.onFailure(e);
            }
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }
}
