package captioner.train;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer server's port setting ({@link PeerServer#PORT}): a port taken moves it on, as Spark's own ports do. */
class PeerServerTest {
    private static final String HOST = "127.0.0.1";

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
