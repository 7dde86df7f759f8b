package captioner.data;

import captioner.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;

/** The checked fields of the tables' metadata files ({@code table.json}): one wording for every table. */
public final class JsonFields {
    private JsonFields() {
    }

    /** {@code node.field} as an int of at least {@code min}; {@code where} names the node in messages. */
    public static int intAtLeast(JsonNode node, String field, int min, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
            throw new BadInputException(where + ": '" + field + "' is " + (v == null ? "missing" : v)
                    + "; expected an integer of at least " + min);
        }
        return v.intValue();
    }

    /** {@code node.field} as a count (a long of at least 0); {@code where} names the node in messages. */
    public static long count(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() < 0) {
            throw new BadInputException(where + ": '" + field + "' is " + (v == null ? "missing" : v)
                    + "; expected a count of at least 0");
        }
        return v.longValue();
    }
}
