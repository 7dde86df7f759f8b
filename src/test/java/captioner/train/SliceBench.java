package captioner.train;

import captioner.tensor.DType;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One reduce-scatter slice over loopback, the two ways it has travelled: Spark's transport library (an upload
 * stream decoded into the task's array, acknowledged, as the peers used until session 7) and the {@link PeerServer}'s
 * blocking socket (written, then awaited in the receiver's mailbox). Alternates the two for {@code rounds} rounds
 * of {@code iterations} slices each and prints the median time per slice of each round (docs/speed.md, "The peers'
 * sockets"):
 *
 * <pre>java @conf/java-options -cp target/classes:target/test-classes:$(cat target/local-classpath.txt) \
 *     captioner.train.SliceBench [FLOATS (default 942,239: half the cs231n LSTM)] [ITERATIONS (300)] [ROUNDS (3)]</pre>
 */
public final class SliceBench {
    private static final String HOST = "127.0.0.1";

    private SliceBench() {
    }

    public static void main(String[] args) throws Exception {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 942_239;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ByteBuffer body = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) {
            body.putFloat(i, (float) Math.sin(i));
        }
        for (int r = 1; r <= rounds; r++) {
            System.out.printf("round %d: Spark's transport %.2f ms, blocking socket %.2f ms per %.1f MB slice%n", r,
                    spark(body, floats, iterations), socket(body, floats, iterations), floats * 4 / 1e6);
        }
        System.exit(0); // Spark's client threads are not daemons
    }

    /** Median ms of an upload stream into an array, to its acknowledgement. */
    private static double spark(ByteBuffer body, int floats, int iterations) throws Exception {
        float[] into = new float[floats];
        RpcHandler handler = new RpcHandler() {
            private final StreamManager streams = new OneForOneStreamManager();

            @Override
            public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
                callback.onFailure(new UnsupportedOperationException());
            }

            @Override
            public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer message,
                                                      RpcResponseCallback callback) {
                ArraySink sink = new ArraySink(into);
                return new IncomingStream("slice", sink::accept, () -> { }, e -> { });
            }

            @Override
            public StreamManager getStreamManager() {
                return streams;
            }
        };
        try (TransportContext context = new TransportContext(ParameterChannel.conf(), handler);
             TransportServer server = context.createServer(HOST, 0, List.of())) {
            TransportClient client = context.createClientFactory().createClient(HOST, server.getPort());
            long[] nanos = new long[iterations];
            for (int k = 0; k < iterations; k++) {
                long start = System.nanoTime();
                CompletableFuture<Void> done = new CompletableFuture<>();
                client.uploadStream(new NioManagedBuffer(ByteBuffer.allocate(PeerServer.HEADER)),
                        new NioManagedBuffer(body.duplicate()), PeerServer.acknowledged(done));
                PeerServer.await(done, "uploading a slice");
                nanos[k] = System.nanoTime() - start;
            }
            return medianMillis(nanos);
        }
    }

    /** Median ms of a {@link PeerServer#send} of partition 0's slice to partition 1, until its mailbox has it. */
    private static double socket(ByteBuffer body, int floats, int iterations) {
        ShardLayout layout = new ShardLayout(DType.FLOAT32, 2 * floats, 2, 2);
        PeerServer sender = new PeerServer(HOST, 0, 0);
        PeerServer receiver = new PeerServer(HOST, 0, 0);
        PeerServer.Mailbox box = new PeerServer.Mailbox(1, 0, 1, layout, new float[layout.size()]);
        receiver.open(box);
        ShardCoordinator.Peer peer = new ShardCoordinator.Peer(HOST, receiver.port());
        long[] nanos = new long[iterations];
        for (int k = 0; k < iterations; k++) {
            long start = System.nanoTime();
            sender.send(peer, 1, 0, PeerServer.PARAMS, k, 0, 1, 0, 0, body.duplicate().limit(layout.length(0) * 4));
            box.awaitParams(k);
            nanos[k] = System.nanoTime() - start;
        }
        sender.shutdown();
        receiver.shutdown();
        return medianMillis(nanos);
    }

    private static double medianMillis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
