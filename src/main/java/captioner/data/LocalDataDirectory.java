package captioner.data;

import captioner.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A dataset folder on the local disk; its files are read in place (jhdf memory-maps them). */
final class LocalDataDirectory implements DataDirectory {
    private final Path dir;

    LocalDataDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw new BadInputException(dir + ": no such directory; expected a folder holding the cs231n COCO files ("
                    + Cs231nLayout.CAPTIONS_FILE + ", " + Cs231nLayout.VOCAB_FILE + ", the features files)");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": is a file, not a directory; expected the folder holding "
                    + Cs231nLayout.CAPTIONS_FILE + " and the other cs231n COCO files");
        }
        this.dir = dir;
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public String describe(String fileName) {
        return dir.resolve(fileName).toString();
    }

    @Override
    public boolean exists(String fileName) {
        return Files.exists(dir.resolve(fileName));
    }

    @Override
    public InputStream open(String fileName) throws IOException {
        try {
            return Files.newInputStream(dir.resolve(fileName));
        } catch (NoSuchFileException e) {
            throw missing(fileName);
        }
    }

    @Override
    public LocalFile localFile(String fileName) {
        Path p = dir.resolve(fileName);
        if (!Files.isRegularFile(p)) {
            throw missing(fileName);
        }
        return new LocalFile(p, p.toString(), false);
    }

    private BadInputException missing(String fileName) {
        return new BadInputException(describe(fileName) + ": no such file; expected it in the cs231n COCO directory "
                + dir);
    }
}
