package captioner.data.table;

import captioner.BadInputException;
import captioner.data.FeatureKind;
import captioner.data.JsonFields;
import captioner.data.TableJson;
import captioner.data.cs231n.Cs231nLayout;
import com.fasterxml.jackson.databind.JsonNode;

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
                            String writtenBy, String writtenAt) implements TableCommit.Metadata, Serializable {

    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** What a caption table's table.json says it is. */
    public static final TableJson.Format FORMAT = new TableJson.Format("spark-captioner caption table",
            FORMAT_VERSION, "caption table", "captioner prepare");

    /**
     * One split: its image and caption counts (captions after any {@code max_train}), whether urls are stored, and
     * what {@code prepare} from caption text left out or cut ({@link PrepareCounts}; null for other sources).
     */
    public record SplitInfo(int images, long captions, boolean urls, PrepareCounts prepared) implements Serializable {
        public SplitInfo(int images, long captions, boolean urls) {
            this(images, captions, urls, null);
        }
    }

    public TableMetadata {
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    /** Metadata of this build's format version. */
    static TableMetadata of(int captionLength, int featureDim, FeatureKind featureKind, int vocabSize,
                             TableJson.Provenance from, Map<String, SplitInfo> splits) {
        return new TableMetadata(FORMAT_VERSION, captionLength, featureDim, featureKind, vocabSize, from.source(),
                from.maxTrain(), from.seed(), splits, from.writtenBy(), from.writtenAt());
    }

    @Override
    public void write(OutputStream out) throws IOException {
        TableJson.write(out, FORMAT, root -> {
            root.put("caption_length", captionLength);
            root.put("feature_dim", featureDim);
            root.put("feature_kind", featureKind.toString());
            root.put("vocab_size", vocabSize);
        }, new TableJson.Provenance(source, maxTrain, seed, writtenBy, writtenAt), splits, (info, one) -> {
            one.put("images", info.images());
            one.put("captions", info.captions());
            one.put("urls", info.urls());
            if (info.prepared() != null) {
                info.prepared().write(one);
            }
        });
    }

    /**
     * @param file the file's name for messages
     * @throws BadInputException when the JSON is malformed, lacks a field, or has another format version
     */
    static TableMetadata read(InputStream in, String file) throws IOException {
        JsonNode root = TableJson.check(TableJson.parse(in, file, FORMAT), file, FORMAT);
        int captionLength = JsonFields.intAtLeast(root, "caption_length", 2, file);
        int featureDim = JsonFields.intAtLeast(root, "feature_dim", 1, file);
        int vocabSize = JsonFields.intAtLeast(root, "vocab_size", 3, file);
        FeatureKind kind = FeatureKind.parse(text(root, "feature_kind", file));
        Map<String, SplitInfo> splits = new LinkedHashMap<>();
        JsonNode s = TableJson.splits(root, file, Cs231nLayout.TRAIN,
                "{\"images\": ..., \"captions\": ..., \"urls\": ...}");
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
        return of(captionLength, featureDim, kind, vocabSize, TableJson.provenance(root), splits);
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
