package captioner.train;

import org.apache.spark.network.TransportContext;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.server.TransportServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer server's port setting ({@link PeerServer#PORT}): a port taken moves it on, as Spark's own ports do. */
class PeerServerTest {
    private static final String HOST = "127.0.0.1";

    @Test
    void aTakenPortMovesTheServerToTheNextFreeOneWithinTheRetries() throws IOException {
        try (TransportContext context = new TransportContext(ParameterChannel.conf(), new NoOpRpcHandler());
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            int port = taken.getLocalPort();
            try (TransportServer server = PeerServer.bind(context, HOST, port, 8)) {
                assertTrue(server.getPort() > port && server.getPort() <= port + 8, "port " + server.getPort());
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> PeerServer.bind(context, HOST, port, 0));
            assertTrue(e.getMessage().startsWith("the reduce-scatter's peer server cannot listen on " + HOST + ":"
                    + port + " (spark.captioner.peerServer.port=" + port + ", spark.port.maxRetries=0): "),
                    e.getMessage());
            try (TransportServer any = PeerServer.bind(context, HOST, 0, 0)) {
                assertTrue(any.getPort() > 0);
            }
        }
    }

    @Test
    void aFreePortIsTakenAsGiven() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            port = probe.getLocalPort();
        }
        try (TransportContext context = new TransportContext(ParameterChannel.conf(), new NoOpRpcHandler());
             TransportServer server = PeerServer.bind(context, HOST, port, 0)) {
            assertEquals(port, server.getPort());
        }
    }
}
