package captioner.data.table;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.JsonFields;
import captioner.data.cs231n.Cs231nLayout;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The caption table's {@code table.json}: what a reader must know before touching the Parquet files, and where
 * the table came from. Written last, so a folder with it is a complete table. Example:
 * <pre>
 * {"format": "spark-captioner caption table", "format_version": 1,
 *  "caption_length": 17, "feature_dim": 512, "feature_kind": "pca", "vocab_size": 1004,
 *  "source": "/data/coco", "max_train": null, "seed": 0,
 *  "splits": {"train": {"images": 82783, "captions": 414113, "urls": true}, "val": {...}},
 *  "written_by": "spark-captioner 0.1.0", "written_at": "2026-11-23T01:00:00Z"}
 * </pre>
 * A table prepared from caption text also has, per split, what was left out ({@link PrepareCounts}).
 *
 * @param maxTrain the {@code --max-train} the table was prepared with (null: every training caption)
 * @param seed     the seed of that subset
 */
public record TableMetadata(int formatVersion, int captionLength, int featureDim, FeatureKind featureKind,
                            int vocabSize, String source, Integer maxTrain, long seed, Map<String, SplitInfo> splits,
                            String writtenBy, String writtenAt) implements Serializable {

    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    static final String FORMAT = "spark-captioner caption table";

    /**
     * One split: its image and caption counts (captions after any {@code max_train}), whether urls are stored, and
     * what {@code prepare} from caption text left out or cut ({@link PrepareCounts}; null for other sources).
     */
    public record SplitInfo(int images, long captions, boolean urls, PrepareCounts prepared) implements Serializable {
        public SplitInfo(int images, long captions, boolean urls) {
            this(images, captions, urls, null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TableMetadata {
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    void write(OutputStream out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", formatVersion);
        root.put("caption_length", captionLength);
        root.put("feature_dim", featureDim);
        root.put("feature_kind", featureKind.toString());
        root.put("vocab_size", vocabSize);
        root.put("source", source);
        if (maxTrain == null) {
            root.putNull("max_train");
        } else {
            root.put("max_train", maxTrain);
        }
        root.put("seed", seed);
        ObjectNode s = root.putObject("splits");
        for (Map.Entry<String, SplitInfo> e : splits.entrySet()) {
            ObjectNode one = s.putObject(e.getKey());
            one.put("images", e.getValue().images());
            one.put("captions", e.getValue().captions());
            one.put("urls", e.getValue().urls());
            if (e.getValue().prepared() != null) {
                e.getValue().prepared().write(one);
            }
        }
        root.put("written_by", writtenBy);
        root.put("written_at", writtenAt);
        JSON.writeValue(out, root);
    }

    /**
     * @param file the file's name for messages
     * @throws BadInputException when the JSON is malformed, lacks a field, or has another format version
     */
    static TableMetadata read(InputStream in, String file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": malformed JSON (" + e.getOriginalMessage()
                    + "); expected the metadata that 'captioner prepare' writes", e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new BadInputException(file + ": not a caption table's metadata (no \"format\": \"" + FORMAT
                    + "\"); expected the table.json that 'captioner prepare' writes");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt()) {
            throw new BadInputException(file + ": 'format_version' is " + (version == null ? "missing" : version)
                    + "; expected " + FORMAT_VERSION);
        }
        if (version.intValue() != FORMAT_VERSION) {
            throw new BadInputException(file + ": the table has format version " + version.intValue()
                    + " but this build reads version " + FORMAT_VERSION + "; expected a table written by the same "
                    + "version of spark-captioner (run 'captioner prepare' again to rewrite it)");
        }
        int captionLength = JsonFields.intAtLeast(root, "caption_length", 2, file);
        int featureDim = JsonFields.intAtLeast(root, "feature_dim", 1, file);
        int vocabSize = JsonFields.intAtLeast(root, "vocab_size", 3, file);
        FeatureKind kind = FeatureKind.parse(text(root, "feature_kind", file));
        JsonNode maxTrainNode = root.get("max_train");
        Integer maxTrain = maxTrainNode == null || maxTrainNode.isNull() ? null : maxTrainNode.intValue();
        Map<String, SplitInfo> splits = new LinkedHashMap<>();
        JsonNode s = root.get("splits");
        if (s == null || !s.isObject() || !s.has(Cs231nLayout.TRAIN)) {
            throw new BadInputException(file + ": 'splits' is missing or has no 'train'; expected "
                    + "{\"train\": {\"images\": ..., \"captions\": ..., \"urls\": ...}, ...}");
        }
        for (String name : Cs231nLayout.SPLITS) {
            JsonNode one = s.get(name);
            if (one != null) {
                int images = JsonFields.intAtLeast(one, "images", 1, file + " splits." + name);
                long captions = one.path("captions").asLong(-1);
                if (captions < 1) {
                    throw new BadInputException(file + ": splits." + name + ".captions is " + one.get("captions")
                            + "; expected a positive count");
                }
                splits.put(name, new SplitInfo(images, captions, one.path("urls").asBoolean(false),
                        PrepareCounts.read(one, file + " splits." + name)));
            }
        }
        return new TableMetadata(version.intValue(), captionLength, featureDim, kind, vocabSize,
                root.path("source").asText(""), maxTrain, root.path("seed").asLong(0), splits,
                root.path("written_by").asText(""), root.path("written_at").asText(""));
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadInputException(where + ": '" + field + "' is " + (v == null ? "missing" : v)
                    + "; expected a string");
        }
        return v.textValue();
    }
}
