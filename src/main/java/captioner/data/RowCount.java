package captioner.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.Serializable;
import java.util.function.Function;

/**
 * How many rows of one kind a prepare left out (or cut), and the first of them as a user finds it: an image id
 * ({@link #IMAGE_ID}) or a line number ({@link #LINE}); null when there were none. Every prepare counts this way,
 * and every table keeps its counts in {@code table.json} under the split's {@value #BLOCK}, each kind as
 * {@code {"count": 1, "first_id": "2"}} or {@code {"count": 1, "first_line": 17}} ({@link #write}, {@link #read}).
 *
 * @param <R> how a row is named: String (an image id) or Long (a line number)
 */
public record RowCount<R extends Serializable>(long count, R first) implements Serializable {
    /** The key of a split's counts in table.json. */
    public static final String BLOCK = "prepare";
    public static final String COUNT = "count";
    /** Rows named by their image id, e.g. {@code "first_id": "2"}. */
    public static final Naming<String> IMAGE_ID = new Naming<>("first_id", TextNode::valueOf,
            n -> n.isTextual() ? n.textValue() : null);
    /** Rows named by their line number (1-based), e.g. {@code "first_line": 17}. */
    public static final Naming<Long> LINE = new Naming<>("first_line", LongNode::valueOf,
            n -> n.canConvertToLong() ? n.longValue() : null);

    /**
     * How a table names the first row of a kind in table.json.
     *
     * @param key   its field beside {@value #COUNT}
     * @param write its value (never given null)
     * @param read  the value back, null for anything else
     */
    public record Naming<R>(String key, Function<R, JsonNode> write, Function<JsonNode, R> read) {
    }

    /** No rows yet. */
    public static <R extends Serializable> RowCount<R> none() {
        return new RowCount<>(0, null);
    }

    /** One more row, {@code row}, which is the first when there were none. */
    public RowCount<R> plus(R row) {
        return new RowCount<>(count + 1, first == null ? row : first);
    }

    /** Writes this count as {@code block.kind}. */
    public void write(ObjectNode block, String kind, Naming<R> naming) {
        ObjectNode o = block.putObject(kind);
        o.put(COUNT, count);
        o.set(naming.key(), first == null ? NullNode.getInstance() : naming.write().apply(first));
    }

    /**
     * The count at {@code block.kind}; {@code where} names the block in messages.
     *
     * @throws captioner.BadInputException when the count is missing or negative
     */
    public static <R extends Serializable> RowCount<R> read(JsonNode block, String kind, Naming<R> naming,
                                                            String where) {
        JsonNode c = block.path(kind);
        return new RowCount<>(JsonFields.count(c, COUNT, where + "." + kind),
                naming.read().apply(c.path(naming.key())));
    }

    /** The counts under {@code split}'s {@value #BLOCK}, or null when it has none (a table from another source). */
    public static JsonNode block(JsonNode split) {
        JsonNode p = split.get(BLOCK);
        return p == null || p.isNull() ? null : p;
    }
}
