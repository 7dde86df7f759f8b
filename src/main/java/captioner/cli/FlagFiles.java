package captioner.cli;

import captioner.BadInputException;
import captioner.io.Location;

/** Files named by flags, checked before Spark starts, with the flag in the message. */
final class FlagFiles {
    private FlagFiles() {
    }

    /**
     * The existing file {@code pathOrUri} that {@code flag} names.
     *
     * @throws BadInputException one line naming the flag and the file, e.g. "--init x.h5: cannot read it: no such
     *                           file"
     */
    static Location existing(String flag, String pathOrUri) {
        try {
            Location file = Location.of(pathOrUri, SparkSessions.hadoopConfiguration());
            file.requireFile("read");
            return file;
        } catch (BadInputException e) {
            throw new BadInputException(flag + " " + e.getMessage(), e);
        }
    }
}
