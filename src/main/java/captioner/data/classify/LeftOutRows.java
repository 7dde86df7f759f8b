package captioner.data.classify;

import captioner.data.JsonFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code prepare --task classify} from a CoLA TSV file did to one split's lines, kept in {@code table.json}
 * under the split's {@value #KEY} so that a pipeline reads it rather than the log:
 * <pre>
 * "prepare": {"lines": 8551, "wrong_columns": {"count": 1, "first_line": 17}, "bad_labels": {"count": 0,
 *             "first_line": null}, "too_long": {...}, "unknown_words": 1207}
 * </pre>
 * The split's {@code sentences} are the lines kept (after any {@code max_train}). Tables written from the seed's
 * files have none: the seed's files have no rows to leave out (a bad one is an error).
 *
 * @param lines        the file's lines
 * @param wrongColumns lines without exactly the four columns source, label, original label, sentence
 * @param badLabels    lines whose label is not 0 or 1
 * @param tooLong      sentences with more words than the table's length leaves after CLS
 * @param unknownWords words of kept sentences written as UNK
 */
public record LeftOutRows(long lines, Count wrongColumns, Count badLabels, Count tooLong, long unknownWords) {
    public static final String KEY = "prepare";
    static final String LINES = "lines";
    static final String WRONG_COLUMNS = "wrong_columns";
    static final String BAD_LABELS = "bad_labels";
    static final String TOO_LONG = "too_long";
    static final String UNKNOWN_WORDS = "unknown_words";
    static final String COUNT = "count";
    static final String FIRST_LINE = "first_line";

    /** How many lines of one kind, and the first one's line number (1-based; null when there were none). */
    public record Count(long count, Long firstLine) {
        static final Count NONE = new Count(0, null);

        Count plus(long line) {
            return new Count(count + 1, firstLine == null ? line : firstLine);
        }
    }

    /** Every left-out line. */
    public long leftOut() {
        return wrongColumns.count() + badLabels.count() + tooLong.count();
    }

    void write(ObjectNode split) {
        ObjectNode p = split.putObject(KEY);
        p.put(LINES, lines);
        put(p, WRONG_COLUMNS, wrongColumns);
        put(p, BAD_LABELS, badLabels);
        put(p, TOO_LONG, tooLong);
        p.put(UNKNOWN_WORDS, unknownWords);
    }

    private static void put(ObjectNode p, String key, Count c) {
        ObjectNode o = p.putObject(key);
        o.put(COUNT, c.count());
        if (c.firstLine() == null) {
            o.putNull(FIRST_LINE);
        } else {
            o.put(FIRST_LINE, c.firstLine());
        }
    }

    /** The counts under {@code split}'s {@value #KEY}, or null when it has none; {@code where} names it. */
    static LeftOutRows read(JsonNode split, String where) {
        JsonNode p = split.get(KEY);
        if (p == null || p.isNull()) {
            return null;
        }
        String at = where + "." + KEY;
        return new LeftOutRows(JsonFields.count(p, LINES, at), count(p, WRONG_COLUMNS, at), count(p, BAD_LABELS, at),
                count(p, TOO_LONG, at), JsonFields.count(p, UNKNOWN_WORDS, at));
    }

    private static Count count(JsonNode p, String key, String where) {
        JsonNode c = p.path(key);
        JsonNode line = c.path(FIRST_LINE);
        return new Count(JsonFields.count(c, COUNT, where + "." + key),
                line.canConvertToLong() ? line.longValue() : null);
    }
}
