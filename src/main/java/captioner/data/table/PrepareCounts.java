package captioner.data.table;

import captioner.data.JsonFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;

/**
 * What {@code prepare} from caption text did to one split's rows, kept in {@code table.json} under the split's
 * {@value #KEY} so that a pipeline can read it (and refuse a day's data) without parsing a log:
 * <pre>
 * "prepare": {"duplicate_ids": {"count": 1, "first_id": "2"}, "captions_without_features": {"count": 0,
 *             "first_id": null}, "features_without_captions": …, "empty_captions": …, "cut_captions": …,
 *             "unknown_words": 3}
 * </pre>
 * Tables prepared from a cs231n directory have none.
 *
 * @param unknownWords words of kept captions written as {@code <UNK>}
 */
public record PrepareCounts(Count duplicateIds, Count captionsWithoutFeatures, Count featuresWithoutCaptions,
                            Count emptyCaptions, Count cutCaptions, long unknownWords) implements Serializable {
    public static final String KEY = "prepare";
    public static final String DUPLICATE_IDS = "duplicate_ids";
    public static final String CAPTIONS_WITHOUT_FEATURES = "captions_without_features";
    public static final String FEATURES_WITHOUT_CAPTIONS = "features_without_captions";
    public static final String EMPTY_CAPTIONS = "empty_captions";
    public static final String CUT_CAPTIONS = "cut_captions";
    public static final String UNKNOWN_WORDS = "unknown_words";
    public static final String COUNT = "count";
    public static final String FIRST_ID = "first_id";

    /** How many rows of one kind, and the first one's image id (null when there were none). */
    public record Count(long count, String firstId) implements Serializable {
    }

    void write(ObjectNode split) {
        ObjectNode p = split.putObject(KEY);
        put(p, DUPLICATE_IDS, duplicateIds);
        put(p, CAPTIONS_WITHOUT_FEATURES, captionsWithoutFeatures);
        put(p, FEATURES_WITHOUT_CAPTIONS, featuresWithoutCaptions);
        put(p, EMPTY_CAPTIONS, emptyCaptions);
        put(p, CUT_CAPTIONS, cutCaptions);
        p.put(UNKNOWN_WORDS, unknownWords);
    }

    private static void put(ObjectNode p, String key, Count c) {
        ObjectNode o = p.putObject(key);
        o.put(COUNT, c.count());
        o.put(FIRST_ID, c.firstId());
    }

    /** The counts under {@code split}'s {@value #KEY}, or null when it has none; {@code where} names it in messages. */
    static PrepareCounts read(JsonNode split, String where) {
        JsonNode p = split.get(KEY);
        if (p == null || p.isNull()) {
            return null;
        }
        return new PrepareCounts(count(p, DUPLICATE_IDS, where), count(p, CAPTIONS_WITHOUT_FEATURES, where),
                count(p, FEATURES_WITHOUT_CAPTIONS, where), count(p, EMPTY_CAPTIONS, where),
                count(p, CUT_CAPTIONS, where), JsonFields.count(p, UNKNOWN_WORDS, where + "." + KEY));
    }

    private static Count count(JsonNode p, String key, String where) {
        JsonNode c = p.path(key);
        JsonNode id = c.path(FIRST_ID);
        return new Count(JsonFields.count(c, COUNT, where + "." + KEY + "." + key),
                id.isTextual() ? id.textValue() : null);
    }
}
