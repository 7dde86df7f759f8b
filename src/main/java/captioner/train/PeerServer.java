package captioner.train;

import captioner.BadInputException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor JVM's end of the reduce-scatter exchange ({@link ShardedRounds}): a server of Spark's transport
 * library, started on first use, into which the other tasks of a round stream slices straight into the arrays of
 * the task they are for (its {@link Mailbox}): gradient slices to the slice's owner, and the owners' new parameter
 * slices to every task. One server serves every task of the JVM; the same JVM's client factory sends.
 */
final class PeerServer {
    static final byte GRADIENT = 10;
    static final byte PARAMS = 11;
    /** op, run, round, iteration, from partition, to partition, loss sum, captions */
    static final int HEADER = 1 + 8 + 4 + 8 + 4 + 4 + 8 + 8;
    /**
     * Spark setting: the port each executor's peer server listens on: 0 (the default) any free one; N that port, or
     * when it is taken the next free one up to {@value #MAX_RETRIES} ports on (executors sharing a host take N, N+1,
     * ...), as Spark's own port settings do, for clusters whose firewalls open a fixed range.
     */
    static final String PORT = "spark.captioner.peerServer.port";
    /** Spark's setting of how many ports after a given one its services try. */
    static final String MAX_RETRIES = "spark.port.maxRetries";
    private static final int MAX_RETRIES_DEFAULT = 16;
    /** How long a task waits for its peers or the driver (which may be writing a checkpoint) before it fails. */
    static final long TIMEOUT_SECONDS = 3600;

    private static volatile PeerServer instance;

    private final TransportContext context;
    private final TransportServer server;
    private final TransportClientFactory clients;
    private final String host;
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();

    private PeerServer(String host, int port, int maxRetries) {
        this.host = host;
        this.context = new TransportContext(ParameterChannel.conf(), new Handler());
        this.server = bind(context, host, port, maxRetries);
        this.clients = context.createClientFactory();
    }

    /** This JVM's server, started on the host its block manager advertises, at the port {@link #PORT} asks for. */
    static PeerServer get() {
        PeerServer s = instance;
        if (s == null) {
            synchronized (PeerServer.class) {
                s = instance;
                if (s == null) {
                    SparkEnv env = SparkEnv.get();
                    s = new PeerServer(env.blockManager().blockManagerId().host(), port(env.conf()),
                            env.conf().getInt(MAX_RETRIES, MAX_RETRIES_DEFAULT));
                    instance = s;
                }
            }
        }
        return s;
    }

    /** The {@link #PORT} of {@code conf}, checked: 0 (any free port) or 1-65535. */
    static int port(SparkConf conf) {
        String value = conf.get(PORT, "0");
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new BadInputException(PORT + " is '" + value + "'; expected a port number 0-65535 (0, the default: any "
                + "free one; N: N or the next free one up to " + MAX_RETRIES + " ports on)");
    }

    /**
     * A server at {@code port}, or when that is taken the next free one of the {@code maxRetries} after it, as Spark
     * binds its own ports ({@code Utils.startServiceOnPort}: above 65535 it wraps to 1024); port 0 takes any free one.
     */
    static TransportServer bind(TransportContext context, String host, int port, int maxRetries) {
        if (port == 0) {
            return context.createServer(host, 0, List.of());
        }
        for (int offset = 0; ; offset++) {
            int tried = (port + offset - 1024) % (65536 - 1024) + 1024;
            try {
                return context.createServer(host, tried, List.of());
            } catch (Exception e) { // Netty throws its BindException undeclared
                if (!taken(e) || offset >= maxRetries) {
                    throw new IllegalStateException("the reduce-scatter's peer server cannot listen on " + host + ":"
                            + (offset == 0 ? port : port + "-" + tried) + " (" + PORT + "=" + port + ", " + MAX_RETRIES
                            + "=" + maxRetries + "): " + e.getMessage() + "; give another port or a longer range", e);
                }
            }
        }
    }

    /** Whether binding failed because the port is in use (NIO says BindException, Netty's epoll EADDRINUSE). */
    private static boolean taken(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException
                    || c.getMessage() != null && c.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    String host() {
        return host;
    }

    int port() {
        return server.getPort();
    }

    /** Where the peers of a task send to; registered before the driver tells them the task's address. */
    void open(Mailbox box) {
        mailboxes.put(key(box.run, box.round, box.partition), box);
    }

    void close(Mailbox box) {
        mailboxes.remove(key(box.run, box.round, box.partition));
    }

    private static String key(long run, int round, int partition) {
        return run + "/" + round + "/" + partition;
    }

    /**
     * What a task of a round receives from its peers: the slices of the next parameters (straight into its full
     * parameter array, at each slice's place) and, for the slice it owns, the other partitions' gradient slices with
     * their loss sums and caption counts. At most one iteration of each is in flight: a peer's gradient of iteration
     * k needs this owner's parameters of k, and a peer's parameters of k + 1 need this task's gradient of k.
     */
    static final class Mailbox {
        final long run;
        final int round;
        final int partition;
        private final ShardLayout layout;
        private final Object params;
        /** The other partitions' gradients of this task's slice, one slice-long array each (this partition's: null). */
        final Object[] gradients;
        final double[] lossSums;
        final long[] captions;
        private long gradientIteration = -1;
        private int gradientsIn;
        private long paramsIteration = -1;
        private int paramsIn;
        private String failure;

        Mailbox(long run, int round, int partition, ShardLayout layout, Object params) {
            this.run = run;
            this.round = round;
            this.partition = partition;
            this.layout = layout;
            this.params = params;
            int p = layout.partitions();
            this.gradients = new Object[p];
            for (int q = 0; q < p; q++) {
                gradients[q] = q == partition ? null : layout.newArray(layout.length(partition));
            }
            this.lossSums = new double[p];
            this.captions = new long[p];
        }

        /** Waits until every other partition's gradient slice of iteration {@code it} is in. */
        synchronized void awaitGradients(long it) {
            await(() -> layout.partitions() == 1 || gradientIteration == it && gradientsIn == layout.partitions() - 1, "gradient slices", it);
        }

        /** Waits until every other slice of iteration {@code it}'s parameters is in. */
        synchronized void awaitParams(long it) {
            await(() -> layout.partitions() == 1 || paramsIteration == it && paramsIn == layout.partitions() - 1, "parameter slices", it);
        }

        private void await(java.util.function.BooleanSupplier done, String what, long it) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!done.getAsBoolean()) {
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("partition " + partition + " waited " + TIMEOUT_SECONDS
                            + " s for the " + what + " of iteration " + (it + 1));
                }
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the " + what + " of iteration "
                            + (it + 1), e);
                }
            }
        }

        /** Where an arriving slice goes; checks that it is the one this task expects next. */
        private synchronized ArraySink sink(byte op, long it, int from, double lossSum, long count) {
            if (from < 0 || from >= layout.partitions() || from == partition) {
                throw new IllegalStateException("a slice from partition " + from + " reached partition " + partition);
            }
            if (op == GRADIENT) {
                if (gradientIteration != it) {
                    gradientIteration = it;
                    gradientsIn = 0;
                }
                lossSums[from] = lossSum;
                captions[from] = count;
                return new ArraySink(gradients[from]);
            }
            if (paramsIteration != it) {
                paramsIteration = it;
                paramsIn = 0;
            }
            return new ArraySink(params, layout.start(from), layout.length(from));
        }

        private synchronized void arrived(byte op) {
            if (op == GRADIENT) {
                gradientsIn++;
            } else {
                paramsIn++;
            }
            notifyAll();
        }

        private synchronized void fail(String message) {
            failure = message;
            notifyAll();
        }
    }

    /**
     * Streams {@code body} (a slice) to partition {@code to}'s task at {@code peer}; returns at once, {@code done}
     * completes when the peer has it all.
     */
    void send(ShardCoordinator.Peer peer, long run, int round, byte op, long it, int from, int to, double lossSum,
              long captions, ByteBuffer body, CompletableFuture<Void> done) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(op).putLong(run).putInt(round).putLong(it).putInt(from).putInt(to).putDouble(lossSum)
                .putLong(captions).flip();
        client(peer.host(), peer.port()).uploadStream(new NioManagedBuffer(header), new NioManagedBuffer(body),
                acknowledged(done));
    }

    /** Completes {@code done} when the receiver acknowledges an upload, exceptionally when it fails. */
    static RpcResponseCallback acknowledged(CompletableFuture<Void> done) {
        return new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                done.complete(null);
            }

            @Override
            public void onFailure(Throwable e) {
                done.completeExceptionally(e);
            }
        };
    }

    TransportClient client(String peerHost, int peerPort) {
        try {
            return clients.createClient(peerHost, peerPort);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot reach " + peerHost + ":" + peerPort, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + peerHost + ":" + peerPort, e);
        }
    }

    /** Waits for {@code done}; a failure or the timeout fails the task. */
    static <T> T await(CompletableFuture<T> done, String what) {
        try {
            return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(what + ": " + e.getCause().getMessage(), e.getCause()));
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer in " + TIMEOUT_SECONDS + " s", e);
        }
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            callback.onFailure(new UnsupportedOperationException("peers stream slices; they send no other request"));
        }

        @Override
        public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer message,
                                                  RpcResponseCallback callback) {
            ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
            byte op = m.get();
            long run = m.getLong();
            int round = m.getInt();
            long it = m.getLong();
            int from = m.getInt();
            int to = m.getInt();
            double lossSum = m.getDouble();
            long count = m.getLong();
            if (op != GRADIENT && op != PARAMS) {
                throw new IllegalStateException("peer request " + op + " where a slice was expected");
            }
            Mailbox box = mailboxes.get(key(run, round, to));
            if (box == null) {
                throw new IllegalStateException("no task of round " + round + " for partition " + to + " here");
            }
            ArraySink sink = box.sink(op, it, from, lossSum, count);
            String id = key(run, round, to) + "/" + op + "/" + it + "/" + from;
            return new IncomingStream(id, sink::accept, () -> {
                if (!sink.complete()) {
                    String incomplete = "partition " + from + " sent " + sink.filled() + " values of its slice to "
                            + "partition " + to + "; expected more";
                    box.fail(incomplete);
                    throw new IllegalStateException(incomplete);
                }
                box.arrived(op);
            }, cause -> box.fail("a slice from partition " + from + " failed: " + cause));
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }
}
