package captioner.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures are tried again, how often, and that local files never are. */
class StorageRetriesTest {
    @TempDir
    Path tmp;

    private Location remote(int retries) {
        Configuration conf = OtherSchemeFileSystem.configuration();
        conf.setInt(StorageRetries.RETRIES, retries);
        conf.set(StorageRetries.WAIT, "1ms");
        return Location.of(OtherSchemeFileSystem.SCHEME + "://" + tmp.resolve("f").toAbsolutePath(), conf);
    }

    @Test
    void aTransientFailureIsTriedAgainUpToTheConfiguredCount() throws IOException {
        List<Integer> attempts = new ArrayList<>();
        String result = StorageRetries.of(remote(3)).run(remote(3), "write", (retry, previous) -> {
            attempts.add(retry);
            if (retry < 2) {
                throw new IOException("DataNode gone " + retry);
            }
            assertEquals("DataNode gone 1", previous.getMessage(), "the attempt before is handed on");
            return "done";
        });
        assertEquals("done", result);
        assertEquals(List.of(0, 1, 2), attempts);

        List<Integer> failing = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> StorageRetries.of(remote(2)).run(remote(2), "write",
                (retry, previous) -> {
                    failing.add(retry);
                    throw new IOException("still gone");
                }));
        assertEquals("still gone", e.getMessage());
        assertEquals(List.of(0, 1, 2), failing, "the first attempt and 2 retries");
    }

    @Test
    void permanentFailuresAndLocalFilesAreNotTriedAgain() {
        for (IOException permanent : List.of(new FileNotFoundException("gone"), new AccessControlException("no"),
                new RemoteException(AccessControlException.class.getName(), "denied by the name node"))) {
            List<Integer> attempts = new ArrayList<>();
            IOException e = assertThrows(IOException.class, () -> StorageRetries.of(remote(3)).run(remote(3),
                    "write", (retry, previous) -> {
                        attempts.add(retry);
                        throw permanent;
                    }));
            assertSame(permanent, e);
            assertEquals(List.of(0), attempts, permanent.toString());
        }
        assertTrue(StorageRetries.isTransient(new RemoteException(IOException.class.getName(),
                "could only be written to 0 of the 1 minReplication nodes")));
        assertFalse(StorageRetries.isTransient(new IllegalStateException("a bug, not the storage")));

        List<Integer> attempts = new ArrayList<>();
        Location local = Location.local(tmp.resolve("local"));
        assertThrows(IOException.class, () -> StorageRetries.of(local).run(local, "write", (retry, previous) -> {
            attempts.add(retry);
            throw new IOException("No space left on device");
        }));
        assertEquals(List.of(0), attempts, "a full local disk stays full");
    }
}
