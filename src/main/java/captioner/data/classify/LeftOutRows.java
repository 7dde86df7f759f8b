package captioner.data.classify;

import captioner.data.JsonFields;
import captioner.data.RowCount;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code prepare --task classify} from a CoLA TSV file did to one split's lines, kept in {@code table.json}
 * under the split's {@value #KEY} so that a pipeline reads it rather than the log:
 * <pre>
 * "prepare": {"lines": 8551, "wrong_columns": {"count": 1, "first_line": 17}, "bad_labels": {"count": 0,
 *             "first_line": null}, "too_long": {...}, "unknown_words": 1207}
 * </pre>
 * Each kind is a {@link RowCount} of lines named by line number. The split's {@code sentences} are the lines kept
 * (after any {@code max_train}). Tables written from the seed's files have none: the seed's files have no rows to
 * leave out (a bad one is an error).
 *
 * @param lines        the file's lines
 * @param wrongColumns lines without exactly the four columns source, label, original label, sentence
 * @param badLabels    lines whose label is not 0 or 1
 * @param tooLong      sentences with more words than the table's length leaves after CLS
 * @param unknownWords words of kept sentences written as UNK
 */
public record LeftOutRows(long lines, RowCount<Long> wrongColumns, RowCount<Long> badLabels, RowCount<Long> tooLong,
                          long unknownWords) {
    public static final String KEY = RowCount.BLOCK;
    static final String LINES = "lines";
    static final String WRONG_COLUMNS = "wrong_columns";
    static final String BAD_LABELS = "bad_labels";
    static final String TOO_LONG = "too_long";
    static final String UNKNOWN_WORDS = "unknown_words";

    /** Every left-out line. */
    public long leftOut() {
        return wrongColumns.count() + badLabels.count() + tooLong.count();
    }

    void write(ObjectNode split) {
        ObjectNode p = split.putObject(KEY);
        p.put(LINES, lines);
        wrongColumns.write(p, WRONG_COLUMNS, RowCount.LINE);
        badLabels.write(p, BAD_LABELS, RowCount.LINE);
        tooLong.write(p, TOO_LONG, RowCount.LINE);
        p.put(UNKNOWN_WORDS, unknownWords);
    }

    /** The counts under {@code split}'s {@value #KEY}, or null when it has none; {@code where} names it. */
    static LeftOutRows read(JsonNode split, String where) {
        JsonNode p = RowCount.block(split);
        if (p == null) {
            return null;
        }
        String at = where + "." + KEY;
        return new LeftOutRows(JsonFields.count(p, LINES, at), RowCount.read(p, WRONG_COLUMNS, RowCount.LINE, at),
                RowCount.read(p, BAD_LABELS, RowCount.LINE, at), RowCount.read(p, TOO_LONG, RowCount.LINE, at),
                JsonFields.count(p, UNKNOWN_WORDS, at));
    }
}
