package captioner.io;

import captioner.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The location rule, atomic writes, local copies and the line log, on the local disk and on a non-local scheme. */
class LocationTest {
    @TempDir
    Path tmp;

    /** A configuration whose default file system is an HDFS name node where nothing listens. */
    private static Configuration hdfsByDefault() {
        Configuration conf = OtherSchemeFileSystem.configuration();
        conf.set("fs.defaultFS", "hdfs://127.0.0.1:1");
        conf.setInt("ipc.client.connect.max.retries", 0);
        return conf;
    }

    private Location remote(String name) {
        return Location.of(OtherSchemeFileSystem.SCHEME + "://" + tmp.resolve(name).toAbsolutePath(),
                OtherSchemeFileSystem.configuration());
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPlainPathIsLocalWhateverTheDefaultFileSystem() {
        Location plain = Location.of("runs/x", hdfsByDefault());
        assertTrue(plain.isLocal());
        assertEquals(Path.of("runs/x").toAbsolutePath(), plain.localFile());
        assertEquals("runs/x", plain.toString(), "shown as the user wrote it");
        assertEquals("runs/x/model.h5", plain.child("model.h5").toString());
        assertFalse(plain.child("model.h5").exists(), "looked for on the local disk, not in HDFS");

        Location file = Location.of(tmp.toUri().toString(), hdfsByDefault());
        assertTrue(file.isLocal());
        assertEquals(tmp.toUri().toString(), file.toString(), "shown as the user wrote it");
        assertEquals("file:" + tmp.resolve("f").toAbsolutePath(), file.child("f").toString(),
                "an entry inside a URI is shown fully qualified");

        Location other = remote("t");
        assertFalse(other.isLocal());
        assertEquals(OtherSchemeFileSystem.SCHEME + ":" + tmp.resolve("t").resolve("f").toAbsolutePath(),
                other.child("f").toString());
    }

    @Test
    void badLocationsAreBadInput() {
        assertThrows(BadInputException.class, () -> Location.of(" ", new Configuration(false)));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Location.of("nosuchfs://host/x", new Configuration(false)));
        assertTrue(e.getMessage().startsWith("nosuchfs://host/x: cannot open this URI's file system"), e.getMessage());
    }

    @Test
    void atomicWritesReplaceTheFileAndLeaveNothingAside() throws IOException {
        for (Location target : List.of(Location.local(tmp.resolve("a.txt")), remote("b.txt"))) {
            AtomicWrites.writeText(target, "old");
            AtomicWrites.writeText(target, "new");
            assertEquals("new", Files.readString(tmp.resolve(target.name())), target.toString());
        }
        AtomicWrites.writeText(Location.local(tmp.resolve("deeper").resolve("c.txt")), "made its folder");
        assertEquals(List.of("a.txt", "b.txt", "deeper"), entries());

        StorageFailure e = assertThrows(StorageFailure.class, () -> AtomicWrites.write(
                Location.local(tmp.resolve("d.txt")), file -> {
                    Files.writeString(file, "half");
                    throw new IOException("disk full");
                }));
        assertEquals(tmp.resolve("d.txt") + ": cannot write it: disk full", e.getMessage());
        assertEquals(List.of("a.txt", "b.txt", "deeper"), entries(), "a failed write leaves no file aside");
    }

    @Test
    void aFolderMovesIntoPlaceOnlyWhereNothingIs() throws IOException {
        for (Location target : List.of(Location.local(tmp.resolve("local")), remote("remote"))) {
            Location first = AtomicWrites.temporarySibling(target);
            AtomicWrites.writeText(first.child("f"), "first");
            assertTrue(AtomicWrites.moveFolder(first, target), target.toString());
            Location second = AtomicWrites.temporarySibling(target);
            AtomicWrites.writeText(second.child("f"), "second");
            assertFalse(AtomicWrites.moveFolder(second, target), "a folder that is not empty is kept");
            second.delete();
            assertEquals("first", Files.readString(tmp.resolve(target.name()).resolve("f")));
        }
        assertEquals(List.of("local", "remote"), entries());
    }

    @Test
    void aRemoteFileIsReadThroughATemporaryCopy() throws IOException {
        Files.writeString(tmp.resolve("r.bin"), "bytes");
        Location file = remote("r.bin");
        Path copy;
        try (LocalFile local = LocalCopy.open(file)) {
            copy = local.path();
            assertTrue(local.temporary());
            assertFalse(copy.startsWith(tmp), "a copy, not the file");
            assertEquals("bytes", Files.readString(copy));
            assertEquals(file.toString(), local.displayName());
        }
        assertFalse(Files.exists(copy), "deleted once read");
        try (LocalFile local = LocalCopy.open(Location.local(tmp.resolve("r.bin")))) {
            assertFalse(local.temporary());
            assertEquals(tmp.resolve("r.bin").toAbsolutePath(), local.path());
        }
        BadInputException e = assertThrows(BadInputException.class, () -> LocalCopy.open(remote("none.h5")));
        assertEquals(remote("none.h5") + ": cannot read it: no such file", e.getMessage());
        assertTrue(e.getMessage().startsWith(OtherSchemeFileSystem.SCHEME + "://"), e.getMessage());
    }

    @Test
    void aLineLogKeepsTheGivenLinesAndAppendsWholeLines() throws IOException {
        for (Location file : List.of(Location.local(tmp.resolve("m.jsonl")), remote("n.jsonl"))) {
            AtomicWrites.writeText(file, "1\n2\n3\n");
            try (LineLog log = LineLog.open(file, List.of("1", "2"))) {
                assertEquals("1\n2\n", Files.readString(tmp.resolve(file.name())), "replaced before appending");
                log.append("3'");
                assertEquals("1\n2\n3'\n", Files.readString(tmp.resolve(file.name())), "visible at once");
                log.append("4");
            }
            try (InputStream in = file.open()) {
                assertEquals("1\n2\n3'\n4\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
