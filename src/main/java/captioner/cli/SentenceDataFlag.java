package captioner.cli;

import captioner.data.classify.SentenceData;

/**
 * {@code --data} of the classifier's driver-side commands (evaluate, predict, gradcheck): the seed's folder or a
 * sentence table, whose rows are read on Spark, so a session runs while the data is read.
 */
final class SentenceDataFlag {
    private SentenceDataFlag() {
    }

    /** The sentences at {@code data}; a bad value is reported as {@code --data}'s. */
    static SentenceData open(String data, String master, String command) {
        return SparkSessions.with(master, "captioner " + command,
                spark -> Flags.parse("--data", data, uri -> SentenceData.open(uri, spark)));
    }
}
