package captioner.train;

import captioner.data.CaptionShard;
import captioner.nn.GradientClipping;
import captioner.optim.UpdateRule;
import captioner.optim.UpdateRuleType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.apache.spark.TaskContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.StreamCallback;
import org.apache.spark.network.client.TransportClient;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A partition's task for a round of the reduce-scatter exchange ({@link ShardedRounds}). The task owns its
 * partition's slice of the parameters and of the update rule's state ({@link ShardLayout}). Each iteration it
 * computes its partition's summed gradient on the full parameters, writes slice q of it to the owner of q, adds
 * the P gradients of its own slice in partition order (as the driver's ordered sum adds whole vectors), scales by
 * 1/N, writes its slice's sum of squares to every peer and reports the iteration to the driver (one way); with
 * every peer's sum it decides the iteration as the driver will ({@link StepDecision}), clips and updates its slice
 * at the round's planned learning rate, writes the new slice to every peer and waits for theirs. Its result is
 * null: the state goes to the driver through the {@link ShardCoordinator} at checkpoints, at the round's end and
 * when the loss or norm is not finite.
 */
final class ShardedRound extends AbstractFunction1<Iterator<CaptionShard>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A header-only message's body: never written to, so shared. */
    private static final ByteBuffer NO_BODY = ByteBuffer.allocate(0);

    private final ShardCoordinator.Address driver;
    private final ShardLayout layout;
    private final UpdateRuleType rule;
    private final int round;
    /** How often this round was rerun: added to Spark's attempt number (fault injection fails attempt 0 only). */
    private final int reruns;
    /** One of each per iteration of the round, in order: its task, learning rate and whether a checkpoint is due. */
    private final PartitionGradient[] steps;
    private final double[] learningRates;
    private final boolean[] checkpoints;
    /** The clipping bound, or null: no clipping. */
    private final Double clipNorm;

    ShardedRound(ShardCoordinator.Address driver, ShardLayout layout, UpdateRuleType rule, int round, int reruns,
                 List<PartitionGradient> steps, double[] learningRates, boolean[] checkpoints, Double clipNorm) {
        if (learningRates.length != steps.size() || checkpoints.length != steps.size()) {
            throw new IllegalArgumentException("a plan of " + learningRates.length + " learning rates and "
                    + checkpoints.length + " checkpoints for " + steps.size() + " iterations");
        }
        this.driver = driver;
        this.layout = layout;
        this.rule = rule;
        this.round = round;
        this.reruns = reruns;
        this.steps = steps.toArray(new PartitionGradient[0]);
        this.learningRates = learningRates.clone();
        this.checkpoints = checkpoints.clone();
        this.clipNorm = clipNorm;
    }

    @Override
    public PartialGradient apply(Iterator<CaptionShard> shards) {
        CaptionShard shard = shards.next();
        TaskContext task = TaskContext.get();
        new Owner(task.partitionId(), task.attemptNumber() + reruns).run(shard);
        return null;
    }

    /** One task's slice, its state and buffers; allocated per round, so a stale stream of an earlier one writes nowhere that matters. */
    private final class Owner {
        private final int t;
        private final int attempt;
        private final int start;
        private final int length;
        private final Object array;
        private final Tensor params;
        private final UpdateRule owned;
        private final List<Tensor> vectors;
        private final Tensor summed;
        private final PeerServer server = PeerServer.get();
        private final PeerServer.Mailbox box;
        private final ByteBuffer gradientOut;
        private final ByteBuffer sliceOut;
        /** Every partition's loss sum, caption count and slice's sum of squares of the iteration being decided. */
        private final double[] lossSums = new double[layout.partitions()];
        private final long[] captions = new long[layout.partitions()];
        private final double[] sumsOfSquares = new double[layout.partitions()];
        private ShardCoordinator.Peer[] peers;

        Owner(int t, int attempt) {
            this.t = t;
            this.attempt = attempt;
            this.start = layout.start(t);
            this.length = layout.length(t);
            this.array = layout.newArray(layout.size());
            this.params = layout.wrap(array);
            this.owned = rule.create(layout.size(), layout.dtype());
            this.vectors = ShardLayout.vectors(owned, layout.size());
            this.summed = layout.wrap(layout.newArray(layout.size()));
            this.box = new PeerServer.Mailbox(driver.run(), round, t, layout, array);
            this.gradientOut = ByteBuffer.allocateDirect(layout.size() * layout.width()).order(ByteOrder.LITTLE_ENDIAN);
            this.sliceOut = ByteBuffer.allocateDirect(length * layout.width()).order(ByteOrder.LITTLE_ENDIAN);
        }

        void run(CaptionShard shard) {
            server.open(box);
            try {
                register();
                fetchState();
                long first = steps[0].iteration();
                long end = first + steps.length;
                long go = System.nanoTime();
                allGather(first);
                Kernels k = Kernels.of(layout.dtype());
                Tensor mine = summed.view(start, length);
                for (long it = first; it < end; it++) {
                    int i = (int) (it - first);
                    PartialGradient g = steps[i].compute(t, attempt, shard, array, go, null);
                    scatter(it, g);
                    box.awaitGradients(it);
                    long reduce = System.nanoTime();
                    for (int q = 0; q < layout.partitions(); q++) {
                        Tensor part = q == t ? g.gradient().view(start, length) : layout.wrap(box.gradients[q]);
                        if (q == 0) {
                            mine.copyFrom(part);
                        } else {
                            k.axpy(1, part, mine);
                        }
                    }
                    long n = 0;
                    for (int q = 0; q < layout.partitions(); q++) {
                        lossSums[q] = q == t ? g.lossSum : box.lossSums[q];
                        captions[q] = q == t ? g.captions : box.captions[q];
                        n += captions[q];
                    }
                    k.scale(mine, 1.0 / n);
                    double sumSquares = GradientClipping.sliceSumSquares(summed, layout.partitions(), t);
                    shareNorm(it, sumSquares);
                    report(it, g, System.nanoTime() - reduce, sumSquares);
                    go = System.nanoTime();
                    box.awaitNorms(it);
                    for (int q = 0; q < layout.partitions(); q++) {
                        sumsOfSquares[q] = q == t ? sumSquares : box.sumSquares[q];
                    }
                    StepDecision d = StepDecision.of(lossSums, captions, sumsOfSquares, clipNorm);
                    if (d.finite()) {
                        if (d.clip()) {
                            k.scale(mine, d.clipScale());
                        }
                        owned.update(params, summed, learningRates[i], start, length);
                    }
                    if (d.uploads(checkpoints[i], it + 1 == end)) {
                        upload(it);
                    }
                    if (!d.finite()) {
                        return;
                    }
                    if (it + 1 < end) {
                        allGather(it + 1);
                    }
                }
            } finally {
                server.close(box);
            }
        }

        private TransportClient coordinator() {
            return server.client(driver.host(), driver.port());
        }

        private ByteBuffer message(byte op, int bytes) {
            return ByteBuffer.allocate(1 + 8 + 4 + bytes).order(ByteOrder.LITTLE_ENDIAN).put(op).putLong(driver.run())
                    .putInt(round);
        }

        private ByteBuffer call(ByteBuffer request) {
            return coordinator().sendRpcSync(request.flip(), TimeUnit.SECONDS.toMillis(PeerServer.TIMEOUT_SECONDS))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Tells the driver where this task's peer server is; learns every peer's and the rule's scalars. */
        private void register() {
            byte[] host = server.host().getBytes(StandardCharsets.UTF_8);
            ByteBuffer table = call(message(ShardCoordinator.REGISTER, 16 + host.length).putInt(t).putInt(attempt)
                    .putInt(server.port()).putInt(host.length).put(host));
            double[] scalars = new double[table.getInt()];
            for (int i = 0; i < scalars.length; i++) {
                scalars[i] = table.getDouble();
            }
            ShardLayout.setScalars(owned, layout.size(), scalars);
            peers = new ShardCoordinator.Peer[layout.partitions()];
            for (int q = 0; q < peers.length; q++) {
                int port = table.getInt();
                byte[] h = new byte[table.getInt()];
                table.get(h);
                peers[q] = new ShardCoordinator.Peer(new String(h, StandardCharsets.UTF_8), port);
            }
        }

        /** This partition's slices of the parameters and the rule's vectors, as the driver holds them. */
        private void fetchState() {
            ByteBuffer region = ByteBuffer.allocate(layout.regionBytes(t)).order(ByteOrder.LITTLE_ENDIAN);
            CompletableFuture<Void> done = new CompletableFuture<>();
            coordinator().stream(driver.run() + "/" + round + "/" + t, new StreamCallback() {
                @Override
                public void onData(String streamId, ByteBuffer chunk) {
                    region.put(chunk);
                }

                @Override
                public void onComplete(String streamId) {
                    done.complete(null);
                }

                @Override
                public void onFailure(String streamId, Throwable cause) {
                    done.completeExceptionally(cause);
                }
            });
            PeerServer.await(done, "fetching partition " + t + "'s state from the driver");
            if (region.hasRemaining()) {
                throw new IllegalStateException("partition " + t + "'s state arrived incomplete: " + region.position()
                        + " of " + region.capacity() + " bytes");
            }
            layout.read(region.flip(), t, params, vectors);
        }

        /** Writes this task's new slice to every peer and waits until it holds all of iteration {@code it}'s parameters. */
        private void allGather(long it) {
            sliceOut.clear();
            ByteBuffer b = sliceOut.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (array instanceof float[] f) {
                b.asFloatBuffer().put(f, start, length);
            } else {
                b.asDoubleBuffer().put((double[]) array, start, length);
            }
            for (int q = 0; q < layout.partitions(); q++) {
                if (q != t) {
                    server.send(peers[q], driver.run(), round, PeerServer.PARAMS, it, t, q, 0, 0, sliceOut.duplicate());
                }
            }
            box.awaitParams(it);
        }

        /** Writes slice q of this partition's gradient to the owner of q, for every q but its own. */
        private void scatter(long it, PartialGradient g) {
            Tensor grads = g.gradient();
            for (int q = 0; q < layout.partitions(); q++) {
                if (q != t) {
                    int from = layout.start(q);
                    int count = layout.length(q);
                    ByteBuffer slice = gradientOut.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    slice.position(from * layout.width()).limit((from + count) * layout.width());
                    slice = slice.slice().order(ByteOrder.LITTLE_ENDIAN);
                    if (grads.dtype() == captioner.tensor.DType.FLOAT32) {
                        slice.asFloatBuffer().put(grads.floatStorage(), from, count);
                    } else {
                        slice.asDoubleBuffer().put(grads.doubleStorage(), from, count);
                    }
                    server.send(peers[q], driver.run(), round, PeerServer.GRADIENT, it, t, q, g.lossSum, g.captions,
                            slice);
                }
            }
        }

        /** Writes this owner's slice's sum of squares of iteration {@code it} to every peer. */
        private void shareNorm(long it, double sumSquares) {
            for (int q = 0; q < layout.partitions(); q++) {
                if (q != t) {
                    server.send(peers[q], driver.run(), round, PeerServer.NORM, it, t, q, sumSquares, 0, NO_BODY);
                }
            }
        }

        /** Sends this owner's report of iteration {@code it} to the driver, which does not answer it. */
        private void report(long it, PartialGradient g, long reduceNanos, double sumSquares) {
            coordinator().send(message(ShardCoordinator.REPORT, 8 + 4 + 6 * 8).putLong(it).putInt(t)
                    .putDouble(g.lossSum).putLong(g.captions).putLong(g.computeNanos).putLong(g.paramsNanos)
                    .putLong(reduceNanos).putDouble(sumSquares).flip());
        }

        /**
         * Streams this partition's slices of the state after iteration {@code it} to the driver and waits until it
         * has read them (the owners may otherwise be a checkpoint further on before it has).
         */
        private void upload(long it) {
            double[] scalars = ShardLayout.scalars(owned, layout.size());
            ByteBuffer header = message(ShardCoordinator.SYNC, 8 + 4 + 4 + 8 * scalars.length).putLong(it).putInt(t)
                    .putInt(scalars.length);
            for (double s : scalars) {
                header.putDouble(s);
            }
            ByteBuffer region = ByteBuffer.allocate(layout.regionBytes(t)).order(ByteOrder.LITTLE_ENDIAN);
            layout.write(region, t, params, vectors);
            CompletableFuture<Void> done = new CompletableFuture<>();
            coordinator().uploadStream(new NioManagedBuffer(header.flip()), new NioManagedBuffer(region),
                    PeerServer.acknowledged(done));
            PeerServer.await(done, "uploading partition " + t + "'s state");
            call(message(ShardCoordinator.RELEASE, 8).putLong(it));
        }
    }
}
