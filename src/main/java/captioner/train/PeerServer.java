package captioner.train;

import captioner.BadInputException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor JVM's end of the reduce-scatter exchange ({@link ShardedRounds}): a listening socket, opened on first
 * use, into which the other tasks of a round write slices straight into the arrays of the task they are for (its
 * {@link Mailbox}): gradient slices to the slice's owner, and the owners' new parameter slices to every task. One
 * server serves every task of the JVM, a thread per peer connection; a task writes to a peer on its own thread.
 *
 * <p>The slices travel over plain blocking sockets, not Spark's transport library (which still carries the
 * driver's calls): on loopback the library moved a 3.8 MB slice in 3-6 ms where a blocking socket moves it in
 * 1-2.5 ({@code SliceBench}; docs/speed.md, "The peers' sockets"), and each iteration waits for two such transfers.
 */
final class PeerServer {
    static final byte GRADIENT = 10;
    static final byte PARAMS = 11;
    /** A header alone: the sender's slice's sum of squares (in the loss sum's place) of an iteration. */
    static final byte NORM = 12;
    /** op, run, round, iteration, from partition, to partition, loss sum, captions, body bytes */
    static final int HEADER = 1 + 8 + 4 + 8 + 4 + 4 + 8 + 8 + 8;
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
    private static final int CONNECT_TIMEOUT_MILLIS = 120_000;
    /** How much of a slice a connection's thread reads at once. */
    private static final int CHUNK = 256 * 1024;

    private static volatile PeerServer instance;

    private final ServerSocketChannel listener;
    private final Thread acceptor;
    private final TransportClientFactory clients;
    private final String host;
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    /** This JVM's open connection to each peer server, by host:port; one writer at a time each. */
    private final Map<String, SocketChannel> links = new ConcurrentHashMap<>();

    /** The connections peers opened to this server, closed with it. */
    private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();

    PeerServer(String host, int port, int maxRetries) {
        this.host = host;
        this.listener = bind(host, port, maxRetries);
        this.clients = new TransportContext(ParameterChannel.conf(), new NoOpRpcHandler()).createClientFactory();
        this.acceptor = daemon(this::accept, "captioner-peer-server");
        acceptor.start();
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
     * A socket listening at {@code port}, or when that is taken the next free one of the {@code maxRetries} after it,
     * as Spark binds its own ports ({@code Utils.startServiceOnPort}: above 65535 it wraps to 1024); port 0 takes any
     * free one.
     */
    static ServerSocketChannel bind(String host, int port, int maxRetries) {
        for (int offset = 0; ; offset++) {
            int tried = port == 0 ? 0 : (port + offset - 1024) % (65536 - 1024) + 1024;
            try {
                ServerSocketChannel channel = ServerSocketChannel.open();
                try {
                    // As Spark's servers do: a restarted executor can listen again at its port while the connections
                    // of the one before linger in TIME_WAIT.
                    channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    return channel.bind(new InetSocketAddress(host, tried));
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            } catch (IOException e) {
                if (!(e instanceof BindException) || port == 0 || offset >= maxRetries) {
                    throw new IllegalStateException("the reduce-scatter's peer server cannot listen on " + host + ":"
                            + (offset == 0 ? port : port + "-" + tried) + " (" + PORT + "=" + port + ", " + MAX_RETRIES
                            + "=" + maxRetries + "): " + e.getMessage() + "; give another port or a longer range", e);
                }
            }
        }
    }

    String host() {
        return host;
    }

    int port() {
        return listener.socket().getLocalPort();
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
     * parameter array, at each slice's place), for the slice it owns the other partitions' gradient slices with
     * their loss sums and caption counts, and the other owners' sums of squares of their slices. At most one
     * iteration of each is in flight: a peer's gradient of iteration k needs this owner's parameters of k, its sum
     * of squares of k needs this owner's gradient slice of k, and its parameters of k + 1 need this owner's sum of k.
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
        final double[] sumSquares;
        private long gradientIteration = -1;
        private int gradientsIn;
        private long normIteration = -1;
        private int normsIn;
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
            this.sumSquares = new double[p];
        }

        /** Waits until every other partition's gradient slice of iteration {@code it} is in. */
        synchronized void awaitGradients(long it) {
            await(() -> layout.partitions() == 1 || gradientIteration == it && gradientsIn == layout.partitions() - 1, "gradient slices", it);
        }

        /** Waits until every other owner's sum of squares of iteration {@code it} is in. */
        synchronized void awaitNorms(long it) {
            await(() -> layout.partitions() == 1 || normIteration == it && normsIn == layout.partitions() - 1,
                    "slices' sums of squares", it);
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

        /** Another owner's sum of squares of its slice, arrived. */
        private synchronized void norm(long it, int from, double value) {
            checkSender(from);
            if (normIteration != it) {
                normIteration = it;
                normsIn = 0;
            }
            sumSquares[from] = value;
            normsIn++;
            notifyAll();
        }

        private void checkSender(int from) {
            if (from < 0 || from >= layout.partitions() || from == partition) {
                throw new IllegalStateException("a message from partition " + from + " reached partition " + partition);
            }
        }

        /** Where an arriving slice goes; checks that it is the one this task expects next. */
        private synchronized ArraySink sink(byte op, long it, int from, double lossSum, long count) {
            checkSender(from);
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
     * Writes {@code body} (a slice) to partition {@code to}'s task at {@code peer}; returns when the last byte is in
     * this host's send buffer (the peer's connection thread drains it while this task goes on).
     */
    void send(ShardCoordinator.Peer peer, long run, int round, byte op, long it, int from, int to, double lossSum,
              long captions, ByteBuffer body) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(op).putLong(run).putInt(round).putLong(it).putInt(from).putInt(to).putDouble(lossSum)
                .putLong(captions).putLong(body.remaining()).flip();
        String at = peer.host() + ":" + peer.port();
        while (true) {
            SocketChannel link = links.computeIfAbsent(at, a -> connect(peer));
            synchronized (link) {
                if (!link.isOpen() || closedByPeer(link)) {
                    links.remove(at, link);
                    closeQuietly(link);
                    continue;
                }
                try {
                    ByteBuffer[] message = {header, body};
                    while (header.hasRemaining() || body.hasRemaining()) {
                        link.write(message);
                    }
                    return;
                } catch (IOException e) {
                    links.remove(at, link);
                    closeQuietly(link);
                    throw new UncheckedIOException(new IOException("sending partition " + from + "'s slice to "
                            + "partition " + to + " at " + at + ": " + e, e));
                }
            }
        }
    }

    /**
     * Whether the peer closed this connection (its JVM ended; a new one may listen at the same port): peers never
     * write back, so anything readable means so. Checked before each slice, since a write into a connection the
     * peer has closed can succeed once and lose its bytes.
     */
    private static boolean closedByPeer(SocketChannel link) {
        try {
            link.configureBlocking(false);
            try {
                return link.read(ByteBuffer.allocate(1)) != 0;
            } finally {
                link.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    private static SocketChannel connect(ShardCoordinator.Peer peer) {
        try {
            SocketChannel link = SocketChannel.open();
            try {
                link.setOption(StandardSocketOptions.TCP_NODELAY, true);
                link.socket().connect(new InetSocketAddress(peer.host(), peer.port()), CONNECT_TIMEOUT_MILLIS);
                return link;
            } catch (IOException e) {
                link.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot reach the peer server at " + peer.host() + ":"
                    + peer.port() + ": " + e, e));
        }
    }

    /** A client of Spark's transport library to the driver's {@link ShardCoordinator}. */
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

    /** Completes {@code done} when the driver acknowledges an upload, exceptionally when it fails. */
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

    private void accept() {
        while (true) {
            SocketChannel peer;
            try {
                peer = listener.accept();
                peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                return; // the listener is closed: this JVM is ending
            }
            accepted.add(peer);
            daemon(() -> serve(peer), "captioner-peer-" + peer.socket().getRemoteSocketAddress()).start();
        }
    }

    /**
     * Reads one peer connection's slices until it closes, each into the mailbox it is for; a slice of a round no task
     * here waits for (a cancelled round's) is read and dropped. A connection lost or garbled mid-slice fails that
     * mailbox, so its task fails at once rather than at the timeout.
     */
    private void serve(SocketChannel peer) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (peer) {
            while (readHeader(peer, header)) {
                byte op = header.get();
                long run = header.getLong();
                int round = header.getInt();
                long it = header.getLong();
                int from = header.getInt();
                int to = header.getInt();
                double lossSum = header.getDouble();
                long count = header.getLong();
                long bytes = header.getLong();
                Mailbox box = mailboxes.get(key(run, round, to));
                try {
                    if (op == NORM && bytes == 0) {
                        if (box != null) {
                            box.norm(it, from, lossSum);
                        }
                        continue;
                    }
                    if (op != GRADIENT && op != PARAMS) {
                        throw new IOException("peer message " + op + " with " + bytes + " bytes where a slice or a "
                                + "sum of squares was expected");
                    }
                    ArraySink sink = box == null ? null : box.sink(op, it, from, lossSum, count);
                    for (long left = bytes; left > 0; ) {
                        chunk.clear().limit((int) Math.min(CHUNK, left));
                        if (peer.read(chunk) < 0) {
                            throw new EOFException("the connection closed " + left + " bytes before the slice's end");
                        }
                        left -= chunk.flip().remaining();
                        if (sink != null) {
                            sink.accept(chunk);
                        }
                    }
                    if (sink != null && !sink.complete()) {
                        throw new IOException("partition " + from + " sent " + sink.filled() + " values of its slice "
                                + "to partition " + to + "; expected " + sink.length());
                    }
                    if (sink != null) {
                        box.arrived(op);
                    }
                } catch (IOException | RuntimeException e) {
                    if (box != null) {
                        box.fail("a slice from partition " + from + " failed: " + e.getMessage());
                    }
                    return;
                }
            }
        } catch (IOException e) {
            // the peer's JVM ended between slices: nothing of it was waited for
        } finally {
            accepted.remove(peer);
        }
    }

    /** Stops listening and closes the peers' connections, as this JVM's end would (tests start and stop servers). */
    void shutdown() {
        closeQuietly(listener);
        try {
            acceptor.join(); // the port is free once its accept has returned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        accepted.forEach(PeerServer::closeQuietly);
        links.values().forEach(PeerServer::closeQuietly);
    }

    /** Reads a whole header into {@code header} and flips it; false at a clean end of the stream before one. */
    private static boolean readHeader(SocketChannel peer, ByteBuffer header) throws IOException {
        header.clear();
        while (header.hasRemaining()) {
            if (peer.read(header) < 0) {
                if (header.position() == 0) {
                    return false;
                }
                throw new EOFException("the connection closed inside a slice's header");
            }
        }
        header.flip();
        return true;
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already broken
        }
    }
}
