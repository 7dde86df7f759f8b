package captioner.data.table;

import captioner.data.JsonFields;
import captioner.data.RowCount;
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
 * Each kind is a {@link RowCount} of rows named by image id. Tables prepared from a cs231n directory have none.
 *
 * @param unknownWords words of kept captions written as {@code <UNK>}
 */
public record PrepareCounts(RowCount<String> duplicateIds, RowCount<String> captionsWithoutFeatures,
                            RowCount<String> featuresWithoutCaptions, RowCount<String> emptyCaptions,
                            RowCount<String> cutCaptions, long unknownWords) implements Serializable {
    public static final String KEY = RowCount.BLOCK;
    public static final String DUPLICATE_IDS = "duplicate_ids";
    public static final String CAPTIONS_WITHOUT_FEATURES = "captions_without_features";
    public static final String FEATURES_WITHOUT_CAPTIONS = "features_without_captions";
    public static final String EMPTY_CAPTIONS = "empty_captions";
    public static final String CUT_CAPTIONS = "cut_captions";
    public static final String UNKNOWN_WORDS = "unknown_words";

    void write(ObjectNode split) {
        ObjectNode p = split.putObject(KEY);
        duplicateIds.write(p, DUPLICATE_IDS, RowCount.IMAGE_ID);
        captionsWithoutFeatures.write(p, CAPTIONS_WITHOUT_FEATURES, RowCount.IMAGE_ID);
        featuresWithoutCaptions.write(p, FEATURES_WITHOUT_CAPTIONS, RowCount.IMAGE_ID);
        emptyCaptions.write(p, EMPTY_CAPTIONS, RowCount.IMAGE_ID);
        cutCaptions.write(p, CUT_CAPTIONS, RowCount.IMAGE_ID);
        p.put(UNKNOWN_WORDS, unknownWords);
    }

    /** The counts under {@code split}'s {@value #KEY}, or null when it has none; {@code where} names it in messages. */
    static PrepareCounts read(JsonNode split, String where) {
        JsonNode p = RowCount.block(split);
        if (p == null) {
            return null;
        }
        String at = where + "." + KEY;
        return new PrepareCounts(RowCount.read(p, DUPLICATE_IDS, RowCount.IMAGE_ID, at),
                RowCount.read(p, CAPTIONS_WITHOUT_FEATURES, RowCount.IMAGE_ID, at),
                RowCount.read(p, FEATURES_WITHOUT_CAPTIONS, RowCount.IMAGE_ID, at),
                RowCount.read(p, EMPTY_CAPTIONS, RowCount.IMAGE_ID, at),
                RowCount.read(p, CUT_CAPTIONS, RowCount.IMAGE_ID, at), JsonFields.count(p, UNKNOWN_WORDS, at));
    }
}
