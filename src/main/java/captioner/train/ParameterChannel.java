package captioner.train;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The driver's end of the parameter channel: a server of Spark's own transport library (the one its
 * block manager and shuffle service use) from which tasks fetch each iteration's parameters and to
 * which they upload their partition's summed loss and gradient, as raw little-endian numbers
 * streamed straight from array to array (a GET names the iteration served, then its bytes stream).
 *
 * <p>Why not a broadcast and a task result: on a cluster both go through several serializers,
 * growing buffers and block-manager round trips, and each needs a Spark job per iteration; measured on
 * a 2-worker standalone cluster with the cs231n LSTM (7.5 MB of parameters) that cost 120-180 ms per
 * iteration against a 100 ms compute (docs/speed.md). Here the bytes are copied into one direct
 * buffer per iteration and streamed into arrays, and the tasks of a {@link ChannelRounds round}
 * stay for many iterations: a task asks for iteration k+1's parameters as soon as it has uploaded
 * k's gradient, and its request is answered when the driver publishes them.
 *
 * <p>The gradient of a partition at an iteration is a pure function of the parameters, the shard and
 * the seed, so the first complete upload of each partition is the one summed, whichever attempt
 * sent it. A task that asks for an iteration that is over (a retried attempt) is served the current
 * one and continues from there; an upload for an iteration that is over is dropped. Requests of
 * another run are refused. Streams are sent asynchronously, so such a late attempt could read the
 * buffer while the next iteration overwrites it: the checksum in the GET answer makes it notice and
 * ask again.
 */
final class ParameterChannel implements AutoCloseable {
    static final byte GET = 1;
    static final byte PUT = 2;
    /** op, run, iteration */
    static final int REQUEST_BYTES = 1 + 8 + 8;
    /** op, run, iteration, partition, loss sum, captions, compute nanos, parameter-transfer nanos */
    static final int PUT_HEADER = REQUEST_BYTES + 4 + 8 + 8 + 8 + 8;
    /** The answer to a GET: the iteration served and the CRC32C of its parameter bytes. */
    static final int SERVED_BYTES = 8 + 4;
    /** Elements copied and checksummed at a time when publishing: 64 KB of floats, well inside a core's L2. */
    private static final int COPY_SLICE = 16 * 1024;

    /** Where tasks find the channel, and the run it belongs to. */
    record Address(String host, int port, long run, DType dtype, int size) implements Serializable {
    }

    /** The partitions' uploads of an iteration, in partition order, and when each arrived ({@link System#nanoTime}). */
    record Uploads(PartialGradient[] parts, long[] arrivals) {
    }

    private final TransportContext context;
    private final TransportServer server;
    private final Address address;
    private final int partitions;
    private final ByteBuffer params;
    private final ArrayDeque<Tensor> spare = new ArrayDeque<>();

    // Guarded by this: the iteration whose parameters are served (-1 before the first) and their
    // checksum, requests waiting for a later one, and the uploads of the current one.
    private long current = -1;
    private int currentCrc;
    private boolean closed;
    private final List<Waiting> waiting = new ArrayList<>();
    private final PartialGradient[] uploads;
    private final long[] arrivals;
    private int uploaded;

    private record Waiting(long iteration, RpcResponseCallback callback) {
    }

    /**
     * Starts the server on {@code bindHost}, port {@code port} (0: any free one), for {@code partitions}
     * partitions and parameters of {@code size} elements of {@code dtype}; tasks reach it at {@code advertisedHost}.
     */
    ParameterChannel(String bindHost, String advertisedHost, int port, int partitions, DType dtype, int size) {
        this.partitions = partitions;
        this.uploads = new PartialGradient[partitions];
        this.arrivals = new long[partitions];
        this.params = ByteBuffer.allocateDirect(size * bytes(dtype)).order(ByteOrder.LITTLE_ENDIAN);
        this.context = new TransportContext(conf(), new Handler());
        this.server = context.createServer(bindHost, port, List.of());
        this.address = new Address(advertisedHost, server.getPort(), new java.security.SecureRandom().nextLong(),
                dtype, size);
    }

    /**
     * Spark's transport settings for the channel (module "captioner"): two server I/O threads (the
     * executors' streams go out side by side), and a request may wait an hour for the driver (a task
     * waits for the next parameters while the driver writes a checkpoint).
     */
    static TransportConf conf() {
        return new TransportConf("captioner", new MapConfigProvider(Map.of(
                "spark.captioner.io.serverThreads", "2",
                "spark.captioner.io.clientThreads", "1",
                "spark.captioner.io.numConnectionsPerPeer", "1",
                "spark.captioner.io.connectionTimeout", "3600s")));
    }

    Address address() {
        return address;
    }

    static int bytes(DType dtype) {
        return dtype == DType.FLOAT32 ? Float.BYTES : Double.BYTES;
    }

    /** CRC32C of {@code bytes} from its position to its limit (the position is left alone). */
    static int checksum(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Copies {@code storage} (float[] or double[]) into {@code into} from its start and returns the CRC32C of the
     * bytes written: {@link #checksum} of them, computed slice by slice right behind the copy, while the slice is
     * still in cache (one pass over memory instead of two; measured 1.5 → 1.2 ms for the cs231n LSTM's 7.5 MB).
     */
    static int copyAndChecksum(Object storage, ByteBuffer into) {
        ByteBuffer b = into.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        int width = storage instanceof float[] ? Float.BYTES : Double.BYTES;
        int length = storage instanceof float[] f ? f.length : ((double[]) storage).length;
        CRC32C crc = new CRC32C();
        for (int from = 0; from < length; from += COPY_SLICE) {
            int n = Math.min(COPY_SLICE, length - from);
            ByteBuffer slice = b.slice(from * width, n * width).order(ByteOrder.LITTLE_ENDIAN);
            if (storage instanceof float[] f) {
                slice.asFloatBuffer().put(f, from, n);
            } else {
                slice.asDoubleBuffer().put((double[]) storage, from, n);
            }
            crc.update(slice);
        }
        return (int) crc.getValue();
    }

    /**
     * Serves {@code storage} (float[] or double[]) as iteration {@code it}'s parameters, until the next
     * call; returns when they became available to tasks ({@link System#nanoTime}).
     */
    long publish(long it, Object storage) {
        synchronized (this) {
            // Every partition has uploaded the previous iteration: no task it waits for reads the buffer.
            current = -1;
        }
        int crc = copyAndChecksum(storage, params);
        long ready = System.nanoTime();
        List<Waiting> answer = new ArrayList<>();
        synchronized (this) {
            current = it;
            currentCrc = crc;
            Arrays.fill(uploads, null);
            uploaded = 0;
            waiting.removeIf(w -> w.iteration <= it && answer.add(w));
        }
        for (Waiting w : answer) {
            w.callback.onSuccess(served(it, crc));
        }
        return ready;
    }

    /**
     * Waits until every partition has uploaded iteration {@code it}'s gradient; between waits it runs
     * {@code check}, which throws if the job has failed.
     */
    Uploads awaitUploads(long it, Runnable check) {
        synchronized (this) {
            while (uploaded < partitions) {
                if (closed) {
                    throw new IllegalStateException("the parameter channel closed while iteration " + (it + 1)
                            + " was computed");
                }
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for iteration " + (it + 1), e);
                }
                if (uploaded < partitions) {
                    check.run();
                }
            }
            return new Uploads(uploads.clone(), arrivals.clone());
        }
    }

    /** The iteration is summed: its gradient buffers are reused. */
    void recycle(List<Tensor> used) {
        synchronized (spare) {
            spare.addAll(used);
        }
    }

    /** Stops the server; requests still waiting fail, so their tasks end. */
    @Override
    public void close() {
        List<Waiting> fail;
        synchronized (this) {
            closed = true;
            fail = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll();
        }
        for (Waiting w : fail) {
            w.callback.onFailure(new IllegalStateException("the run has ended"));
        }
        server.close();
        context.close();
    }

    private static ByteBuffer served(long iteration, int crc) {
        return ByteBuffer.allocate(SERVED_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(iteration).putInt(crc).flip();
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

    /** Where an upload's gradient streams to; on completion it becomes the partition's sum, if still wanted. */
    private StreamCallbackWithID upload(ByteBuffer m, long it) {
        int partition = m.getInt();
        double lossSum = m.getDouble();
        long captions = m.getLong();
        long computeNanos = m.getLong();
        long paramsNanos = m.getLong();
        if (partition < 0 || partition >= partitions) {
            throw new IllegalStateException("an upload names partition " + partition + " of " + partitions);
        }
        Tensor g = buffer();
        ArraySink sink = new ArraySink(g);
        String id = address.run() + "/" + it + "/" + partition;
        return new IncomingStream(id, sink::accept, () -> {
            if (!sink.complete()) {
                recycle(List.of(g));
                throw new IllegalStateException("partition " + partition + " uploaded " + sink.filled()
                        + " values of gradient; expected " + address.size());
            }
            PartialGradient p = PartialGradient.uploaded(partition, lossSum, captions, computeNanos, paramsNanos);
            p.attach(g);
            boolean kept;
            synchronized (this) {
                // Otherwise over, or another attempt's copy of the same numbers: dropped.
                kept = it == current && uploads[partition] == null;
                if (kept) {
                    uploads[partition] = p;
                    arrivals[partition] = System.nanoTime();
                    uploaded++;
                    notifyAll();
                }
            }
            if (!kept) {
                recycle(List.of(g));
            }
        }, cause -> recycle(List.of(g)));
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new StreamManager() {
            @Override
            public ManagedBuffer getChunk(long streamId, int chunkIndex) {
                throw new UnsupportedOperationException("the parameter channel serves streams, not chunks");
            }

            /** Stream "run/iteration": the parameter bytes, while that iteration is the current one. */
            @Override
            public ManagedBuffer openStream(String streamId) {
                synchronized (ParameterChannel.this) {
                    if (!streamId.equals(address.run() + "/" + current)) {
                        throw new IllegalStateException("parameters " + streamId + " are no longer served");
                    }
                    return new NioManagedBuffer(params.duplicate().clear());
                }
            }
        };

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            try {
                long it = header(message.order(ByteOrder.LITTLE_ENDIAN), GET);
                long served;
                int crc;
                synchronized (ParameterChannel.this) {
                    if (closed) {
                        throw new IllegalStateException("the run has ended");
                    }
                    if (current < 0 || it > current) {
                        waiting.add(new Waiting(it, callback));
                        return;
                    }
                    served = current;
                    crc = currentCrc;
                }
                callback.onSuccess(served(served, crc));
            } catch (RuntimeException e) {
                callback.onFailure(e);
            }
        }

        @Override
        public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer message,
                                                  RpcResponseCallback callback) {
            ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
            return upload(m, header(m, PUT));
        }

        /** Checks a request's op and run; returns its iteration. */
        private long header(ByteBuffer m, byte expected) {
            byte op = m.get();
            long run = m.getLong();
            long it = m.getLong();
            if (run != address.run()) {
                throw new IllegalStateException("a task of another run reached this driver's parameter channel");
            }
            if (op != expected) {
                throw new IllegalStateException("parameter channel request " + op + " where " + expected
                        + " was expected");
            }
            return it;
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }
}
