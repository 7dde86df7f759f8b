package captioner.train;

import captioner.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer server: slices written to it land in their task's mailbox, a peer that restarts at the same port still
 * gets the next slice, a slice cut short fails its mailbox; and its port setting ({@link PeerServer#PORT}): a port
 * taken moves it on, as Spark's own ports do.
 */
class PeerServerTest {
    private static final String HOST = "127.0.0.1";
    private static final ShardLayout LAYOUT = new ShardLayout(DType.FLOAT32, 1_000_003, 2, 2);

    /** Partition 1's mailbox of run 7, round 0, on {@code server}: its parameters arrive in {@code params}. */
    private static PeerServer.Mailbox mailbox(PeerServer server, float[] params) {
        PeerServer.Mailbox box = new PeerServer.Mailbox(7, 0, 1, LAYOUT, params);
        server.open(box);
        return box;
    }

    /** Partition 0's parameter slice of iteration {@code it}: element i is {@code i + offset}. */
    private static ByteBuffer slice(int offset) {
        ByteBuffer b = ByteBuffer.allocateDirect(LAYOUT.length(0) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < LAYOUT.length(0); i++) {
            b.putFloat(i + offset);
        }
        return b.flip();
    }

    private static void assertSlice(float[] params, int offset) {
        for (int i = 0; i < LAYOUT.length(0); i++) {
            assertEquals(i + offset, params[LAYOUT.start(0) + i], "element " + i);
        }
    }

    @Test
    void slicesLandInTheirTasksArraysAndAPeerRestartedAtTheSamePortGetsTheNext() {
        PeerServer sender = new PeerServer(HOST, 0, 0);
        PeerServer first = new PeerServer(HOST, 0, 0);
        int port = first.port();
        ShardCoordinator.Peer peer = new ShardCoordinator.Peer(HOST, port);
        float[] params = new float[LAYOUT.size()];
        PeerServer.Mailbox box = mailbox(first, params);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int it = 0; it < 3; it++) {
                sender.send(peer, 7, 0, PeerServer.PARAMS, it, 0, 1, 0, 0, slice(it));
                box.awaitParams(it);
                assertSlice(params, it);
            }
        });
        // The peer's JVM ends and a new one listens at the same port: the sender's open connection is dead, and a
        // write into it could vanish; the next slice must reach the new server.
        first.shutdown();
        PeerServer second = new PeerServer(HOST, port, 0);
        float[] again = new float[LAYOUT.size()];
        PeerServer.Mailbox reborn = mailbox(second, again);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            sender.send(peer, 7, 0, PeerServer.PARAMS, 3, 0, 1, 0, 0, slice(3));
            reborn.awaitParams(3);
            assertSlice(again, 3);
        });
        sender.shutdown();
        second.shutdown();
    }

    @Test
    void aSliceCutShortFailsItsMailboxAtOnce() throws IOException {
        PeerServer server = new PeerServer(HOST, 0, 0);
        PeerServer.Mailbox box = mailbox(server, new float[LAYOUT.size()]);
        ByteBuffer header = ByteBuffer.allocate(PeerServer.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(PeerServer.PARAMS).putLong(7).putInt(0).putLong(0).putInt(0).putInt(1).putDouble(0).putLong(0)
                .putLong(LAYOUT.length(0) * (long) Float.BYTES).flip();
        try (SocketChannel peer = SocketChannel.open(new InetSocketAddress(HOST, server.port()))) {
            peer.write(new ByteBuffer[] {header, ByteBuffer.allocate(1000)});
        }
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(IllegalStateException.class, () -> box.awaitParams(0)));
        assertTrue(e.getMessage().startsWith("a slice from partition 0 failed: the connection closed "), e.getMessage());
        server.shutdown();
    }

    @Test
    void aTakenPortMovesTheServerToTheNextFreeOneWithinTheRetries() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            int port = taken.getLocalPort();
            try (ServerSocketChannel server = PeerServer.bind(HOST, port, 8)) {
                int got = server.socket().getLocalPort();
                assertTrue(got > port && got <= port + 8, "port " + got);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PeerServer.bind(HOST, port, 0));
            assertTrue(e.getMessage().startsWith("the reduce-scatter's peer server cannot listen on " + HOST + ":"
                    + port + " (spark.captioner.peerServer.port=" + port + ", spark.port.maxRetries=0): "),
                    e.getMessage());
            try (ServerSocketChannel any = PeerServer.bind(HOST, 0, 0)) {
                assertTrue(any.socket().getLocalPort() > 0);
            }
        }
    }

    @Test
    void aFreePortIsTakenAsGiven() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            port = probe.getLocalPort();
        }
        try (ServerSocketChannel server = PeerServer.bind(HOST, port, 0)) {
            assertEquals(port, server.socket().getLocalPort());
        }
    }
}
