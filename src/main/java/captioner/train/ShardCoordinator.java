package captioner.train;

import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's end of the reduce-scatter exchange ({@link ShardedRounds}): a server of Spark's transport library
 * that only carries small messages and the state at the edges of a round. Each task of a round registers its
 * executor's {@link PeerServer} and learns every peer's address; each iteration every owner sends its partition's
 * loss sum, counts, timings and its slice's sum of squares one way (the owners decide the iteration among
 * themselves, {@link StepDecision}, and do not wait for the driver); at a round's start each owner streams its
 * slices of the state from here, and when it uploads them (a checkpoint, the round's end, a loss that is not
 * finite) it waits until the driver has read them.
 *
 * <p>A second registration of a partition in a round means that Spark retried its task (the task failed or its
 * executor was lost), and with it that owner's slices of the state: the round is then {@linkplain #broken()
 * broken} and the driver reruns it from its own last complete state. The reports of iterations the driver has
 * taken since are checked to be bitwise the first run's (everything is a pure function of that state).
 */
final class ShardCoordinator implements AutoCloseable {
    static final byte REGISTER = 1;
    /** A one-way message: an owner's report of an iteration. */
    static final byte REPORT = 2;
    static final byte SYNC = 3;
    /** Answered once the driver has read the state an owner uploaded: until then the owner must not change it. */
    static final byte RELEASE = 4;

    /** Where a task's {@link PeerServer} listens. */
    record Peer(String host, int port) implements Serializable {
    }

    /** Where tasks find the coordinator, and the run it belongs to. */
    record Address(String host, int port, long run) implements Serializable {
    }

    /** One owner's report of an iteration. */
    record Report(double lossSum, long captions, long computeNanos, long paramsNanos, long reduceNanos,
                  double sumSquares) {
    }

    /** Every owner's report of an iteration, and when ({@link System#nanoTime}) the last of them arrived. */
    record Reports(Report[] reports, long arrivedNanos) {
    }

    /** The reports of an iteration so far. */
    private static final class Arrivals {
        final Report[] reports;
        int count;
        long lastNanos;

        Arrivals(int partitions) {
            reports = new Report[partitions];
        }
    }

    /** The round must be rerun: a task of it was retried. */
    static final class Broken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message, null, false, false);
        }
    }

    private final TransportContext context;
    private final TransportServer server;
    private final Address address;
    private final ShardLayout layout;
    private final ByteBuffer state;

    // Guarded by this.
    private int round = -1;
    private double[] roundScalars = new double[0];
    private final Peer[] peers;
    private int registered;
    private final List<RpcResponseCallback> registering = new ArrayList<>();
    private String broken;
    /** The current round's reports of the iterations the driver has not taken yet. */
    private final Map<Long, Arrivals> pending = new HashMap<>();
    /** The partitions' loss sums of the iterations the driver has taken since its state last settled. */
    private final Map<Long, double[]> taken = new HashMap<>();
    private long syncIteration = -1;
    private int synced;
    private final double[][] syncScalars;
    /** The last iteration whose uploaded state the driver has read, and the owners waiting to hear it. */
    private long released = -1;
    private final List<Waiting> releasing = new ArrayList<>();
    private boolean closed;
    private String failure;

    ShardCoordinator(String bindHost, String advertisedHost, ShardLayout layout) {
        this.layout = layout;
        int p = layout.partitions();
        this.peers = new Peer[p];
        this.syncScalars = new double[p][];
        this.state = ByteBuffer.allocateDirect(layout.stateBytes()).order(ByteOrder.LITTLE_ENDIAN);
        this.context = new TransportContext(ParameterChannel.conf(), new Handler());
        this.server = context.createServer(bindHost, 0, List.of());
        this.address = new Address(advertisedHost, server.getPort(), new java.security.SecureRandom().nextLong());
    }

    Address address() {
        return address;
    }

    /** The whole state in {@link ShardLayout}'s regions: written before a round starts, read after an upload. */
    ByteBuffer state() {
        return state.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
    }

    /**
     * Starts round {@code r}: what an earlier round's tasks still wait for fails, and the new round's owners get
     * {@code scalars} (the update rule's, with the state written into {@link #state()}).
     */
    void startRound(int r, double[] scalars) {
        List<RpcResponseCallback> fail = new ArrayList<>();
        synchronized (this) {
            round = r;
            roundScalars = scalars.clone();
            fail.addAll(registering);
            registering.clear();
            releasing.forEach(w -> fail.add(w.callback()));
            releasing.clear();
            Arrays.fill(peers, null);
            registered = 0;
            pending.clear();
            synced = 0;
            syncIteration = -1;
            broken = null;
        }
        for (RpcResponseCallback c : fail) {
            c.onFailure(new IllegalStateException("the round was restarted"));
        }
    }

    /** Where the current round's tasks' peer servers listen, by partition (null: not registered yet). */
    synchronized Peer[] peers() {
        return peers.clone();
    }

    /** Why the current round must be rerun, or null. */
    synchronized String broken() {
        return broken;
    }

    /**
     * Waits for every owner's report of iteration {@code it}; between waits runs {@code check}, which throws if the
     * job has failed. Throws {@link Broken} when the round must be rerun.
     */
    synchronized Reports awaitReports(long it, Runnable check) {
        await(() -> pending.containsKey(it) && pending.get(it).count == layout.partitions(), it, check);
        Arrivals a = pending.remove(it);
        taken.put(it, Arrays.stream(a.reports).mapToDouble(Report::lossSum).toArray());
        return new Reports(a.reports, a.lastNanos);
    }

    /** Waits for every owner's upload of its state after iteration {@code it}; returns the owners' scalars. */
    synchronized double[][] awaitUploads(long it, Runnable check) {
        await(() -> syncIteration == it && synced == layout.partitions(), it, check);
        return syncScalars.clone();
    }

    private void await(java.util.function.BooleanSupplier done, long it, Runnable check) {
        while (!done.getAsBoolean()) {
            if (closed) {
                throw new IllegalStateException("the exchange closed while iteration " + (it + 1) + " was computed");
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            if (broken != null) {
                throw new Broken(broken);
            }
            try {
                wait(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for iteration " + (it + 1), e);
            }
            if (!done.getAsBoolean() && broken == null) {
                check.run();
            }
        }
    }

    /**
     * The driver has read the state after iteration {@code it}: it is the driver's, the reports up to it are no longer
     * needed to check a rerun, and the owners that uploaded it go on.
     */
    void settled(long it) {
        List<RpcResponseCallback> go = new ArrayList<>();
        synchronized (this) {
            taken.keySet().removeIf(k -> k <= it);
            released = Math.max(released, it);
            releasing.removeIf(w -> w.iteration() <= it && go.add(w.callback()));
        }
        for (RpcResponseCallback c : go) {
            c.onSuccess(ByteBuffer.allocate(0));
        }
    }

    /** An owner waiting for the driver to read the state it uploaded after {@code iteration}. */
    private record Waiting(long iteration, RpcResponseCallback callback) {
    }

    @Override
    public void close() {
        List<RpcResponseCallback> fail = new ArrayList<>();
        synchronized (this) {
            closed = true;
            fail.addAll(registering);
            registering.clear();
            releasing.forEach(w -> fail.add(w.callback()));
            releasing.clear();
            notifyAll();
        }
        for (RpcResponseCallback c : fail) {
            c.onFailure(new IllegalStateException("the run has ended"));
        }
        server.close();
        context.close();
    }

    private void register(ByteBuffer m, RpcResponseCallback callback) {
        int partition = m.getInt();
        int attempt = m.getInt();
        int port = m.getInt();
        byte[] host = new byte[m.getInt()];
        m.get(host);
        List<RpcResponseCallback> answer = new ArrayList<>();
        ByteBuffer table;
        synchronized (this) {
            if (peers[partition] != null) {
                // Not failed here (that would count against Spark's task retries): the rerun cancels it.
                broken = "partition " + partition + "'s task was retried (attempt " + attempt + ")";
                registering.add(callback);
                notifyAll();
                return;
            }
            peers[partition] = new Peer(new String(host, StandardCharsets.UTF_8), port);
            registering.add(callback);
            if (++registered < layout.partitions()) {
                return;
            }
            answer.addAll(registering);
            registering.clear();
            table = peerTable();
        }
        for (RpcResponseCallback c : answer) {
            c.onSuccess(table.duplicate());
        }
    }

    /** The scalars, then every partition's peer: port, host length, host. */
    private ByteBuffer peerTable() {
        List<byte[]> hosts = Arrays.stream(peers).map(p -> p.host().getBytes(StandardCharsets.UTF_8)).toList();
        int bytes = 4 + 8 * roundScalars.length + hosts.stream().mapToInt(h -> 8 + h.length).sum();
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(roundScalars.length);
        for (double s : roundScalars) {
            b.putDouble(s);
        }
        for (int q = 0; q < peers.length; q++) {
            b.putInt(peers[q].port()).putInt(hosts.get(q).length).put(hosts.get(q));
        }
        return b.flip();
    }

    /** An owner's report of an iteration: kept for the driver, or checked against the first run's when it took it. */
    private void report(ByteBuffer m) {
        long it = m.getLong();
        int partition = m.getInt();
        Report r = new Report(m.getDouble(), m.getLong(), m.getLong(), m.getLong(), m.getLong(), m.getDouble());
        synchronized (this) {
            double[] first = taken.get(it);
            if (first != null) {
                if (Double.doubleToRawLongBits(r.lossSum()) != Double.doubleToRawLongBits(first[partition])) {
                    failure = "the rerun of iteration " + (it + 1) + " gave partition " + partition + " another loss "
                            + "than its first run; the computation is not deterministic";
                    notifyAll();
                }
                return;
            }
            Arrivals a = pending.computeIfAbsent(it, k -> new Arrivals(layout.partitions()));
            if (a.reports[partition] != null) {
                failure = "partition " + partition + " reported iteration " + (it + 1) + " twice";
                notifyAll();
                return;
            }
            a.reports[partition] = r;
            if (++a.count == layout.partitions()) {
                a.lastNanos = System.nanoTime();
                notifyAll();
            }
        }
    }

    /** An owner asks to go on after uploading its state after an iteration: answered once the driver has read it. */
    private void release(ByteBuffer m, RpcResponseCallback callback) {
        long it = m.getLong();
        synchronized (this) {
            if (released < it) {
                releasing.add(new Waiting(it, callback));
                return;
            }
        }
        callback.onSuccess(ByteBuffer.allocate(0));
    }

    /** An owner's upload of its state after an iteration, streamed into its region of {@link #state()}. */
    private StreamCallbackWithID upload(ByteBuffer m) {
        long it = m.getLong();
        int partition = m.getInt();
        double[] scalars = new double[m.getInt()];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = m.getDouble();
        }
        int r = m.getInt(1 + 8);
        ByteBuffer region = state();
        region.position(layout.regionOffset(partition)).limit(layout.regionOffset(partition) + layout.regionBytes(partition));
        ByteBuffer into = region.slice();
        String id = address.run() + "/" + r + "/sync/" + it + "/" + partition;
        return new IncomingStream(id, into::put, () -> {
            if (into.hasRemaining()) {
                throw new IllegalStateException("partition " + partition + " uploaded " + into.position()
                        + " bytes of state; expected " + into.capacity());
            }
            synchronized (ShardCoordinator.this) {
                if (r != round) {
                    return;
                }
                if (syncIteration != it) {
                    syncIteration = it;
                    synced = 0;
                }
                syncScalars[partition] = scalars;
                synced++;
                ShardCoordinator.this.notifyAll();
            }
        }, cause -> {
            // the owner's task fails with it; Spark retries it, which breaks the round
        });
    }

    private final class Handler extends RpcHandler {
        private final StreamManager streams = new StreamManager() {
            @Override
            public ManagedBuffer getChunk(long streamId, int chunkIndex) {
                throw new UnsupportedOperationException("the exchange serves streams, not chunks");
            }

            /** Stream "run/round/partition": the partition's region of the state the round starts from. */
            @Override
            public ManagedBuffer openStream(String streamId) {
                String[] parts = streamId.split("/");
                int q = Integer.parseInt(parts[2]);
                synchronized (ShardCoordinator.this) {
                    if (!parts[0].equals(String.valueOf(address.run())) || Integer.parseInt(parts[1]) != round) {
                        throw new IllegalStateException("state " + streamId + " is no longer served");
                    }
                }
                ByteBuffer region = state();
                region.position(layout.regionOffset(q)).limit(layout.regionOffset(q) + layout.regionBytes(q));
                return new NioManagedBuffer(region.slice());
            }
        };

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            try {
                ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
                byte op = header(m);
                if (op == 0) {
                    return; // a report of a round that is over: its tasks are being cancelled
                }
                if (op == REGISTER) {
                    register(m, callback);
                } else if (op == REPORT) {
                    report(m);
                } else if (op == RELEASE) {
                    release(m, callback);
                } else {
                    throw new IllegalStateException("exchange request " + op + " is not a message");
                }
            } catch (RuntimeException e) {
                callback.onFailure(e);
            }
        }

        @Override
        public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer message,
                                                  RpcResponseCallback callback) {
            ByteBuffer m = message.order(ByteOrder.LITTLE_ENDIAN);
            if (header(m) != SYNC) {
                throw new IllegalStateException("only state uploads stream to the driver");
            }
            return upload(m);
        }

        /** Checks a request's run and round; returns its op, or 0 for a report of a round that is over. */
        private byte header(ByteBuffer m) {
            byte op = m.get();
            long run = m.getLong();
            int r = m.getInt();
            if (run != address.run()) {
                throw new IllegalStateException("a task of another run reached this driver's exchange");
            }
            synchronized (ShardCoordinator.this) {
                if (closed) {
                    throw new IllegalStateException("the run has ended");
                }
                if (r != round) {
                    if (op == REPORT) {
                        return 0;
                    }
                    throw new IllegalStateException("round " + r + " is over");
                }
            }
            return op;
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }
}
