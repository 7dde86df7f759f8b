package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.JsonFields;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sentence table's {@code table.json}: what a reader must know before touching the Parquet files, the
 * vocabulary, and where the table came from. Written last, so a folder with it is a complete table. Example:
 * <pre>
 * {"format": "spark-captioner sentence table", "format_version": 1,
 *  "sentence_length": 43, "vocab_size": 1542, "words": ["&lt;UNK&gt;", "our", …, "&lt;CLS&gt;", "&lt;PAD&gt;"],
 *  "special_tokens": {"unk": 0, "cls": 1540, "pad": 1541},
 *  "source": "/data/cola/in_domain_train.tsv", "max_train": null, "seed": 0,
 *  "splits": {"train": {"sentences": 8551, "prepare": {…}}, "val": {"sentences": 527, …}},
 *  "written_by": "spark-captioner 0.1.0", "written_at": "2026-12-01T15:00:00Z"}
 * </pre>
 * {@code words} is the vocabulary in index order (the seed's {@code word_to_ix} inverted). {@code special_tokens}
 * is there when the table's own prepare chose them (from CoLA's TSV); the seed's files do not say theirs. A split
 * prepared from TSV also has what was left out ({@link LeftOutRows}).
 *
 * @param maxTrain the {@code --max-train} the table was prepared with (null: every training sentence)
 * @param seed     the seed of that subset
 */
public record SentenceTableMetadata(int formatVersion, int sentenceLength, List<String> words,
                                    SpecialTokens specialTokens, String source, Integer maxTrain, long seed,
                                    Map<String, SplitInfo> splits, String writtenBy, String writtenAt) {
    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    static final String FORMAT = "spark-captioner sentence table";
    /** What the caption table's metadata says it is (a folder of the other task). */
    private static final String CAPTION_FORMAT = "spark-captioner caption table";
    static final List<String> SPLITS = SeedFiles.SPLITS;

    /** The indices of the tokens prepare added to the words. */
    public record SpecialTokens(int unk, int cls, int pad) {
    }

    /** One split: its sentence count and, for a split prepared from TSV, what was left out (else null). */
    public record SplitInfo(int sentences, LeftOutRows prepared) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SentenceTableMetadata {
        words = List.copyOf(words);
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    void write(OutputStream out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", formatVersion);
        root.put("sentence_length", sentenceLength);
        root.put("vocab_size", words.size());
        ArrayNode w = root.putArray("words");
        words.forEach(w::add);
        if (specialTokens != null) {
            ObjectNode s = root.putObject("special_tokens");
            s.put("unk", specialTokens.unk());
            s.put("cls", specialTokens.cls());
            s.put("pad", specialTokens.pad());
        }
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
            one.put("sentences", e.getValue().sentences());
            if (e.getValue().prepared() != null) {
                e.getValue().prepared().write(one);
            }
        }
        root.put("written_by", writtenBy);
        root.put("written_at", writtenAt);
        JSON.writeValue(out, root);
    }

    /** Whether {@code root} (a parsed table.json) is a caption table's rather than a sentence table's. */
    static boolean isCaptionTable(JsonNode root) {
        return root != null && CAPTION_FORMAT.equals(root.path("format").asText(null));
    }

    /** Parses {@code in}; {@code file} names it in messages. */
    static JsonNode parse(InputStream in, String file) throws IOException {
        try {
            return JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": malformed JSON (" + e.getOriginalMessage()
                    + "); expected the metadata that 'captioner prepare --task classify' writes", e);
        }
    }

    /**
     * @param file the file's name for messages
     * @throws BadInputException when a field is missing or wrong, or the format or its version is another
     */
    static SentenceTableMetadata read(JsonNode root, String file) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new BadInputException(file + ": not a sentence table's metadata (no \"format\": \"" + FORMAT
                    + "\"); expected the table.json that 'captioner prepare --task classify' writes");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt() || version.intValue() != FORMAT_VERSION) {
            throw new BadInputException(file + ": 'format_version' is " + (version == null ? "missing" : version)
                    + " but this build reads version " + FORMAT_VERSION + "; expected a table written by the same "
                    + "version of spark-captioner (run 'captioner prepare --task classify' again to rewrite it)");
        }
        int length = JsonFields.intAtLeast(root, "sentence_length", 1, file);
        JsonNode wordsNode = root.get("words");
        if (wordsNode == null || !wordsNode.isArray() || wordsNode.isEmpty()) {
            throw new BadInputException(file + ": 'words' is " + (wordsNode == null ? "missing" : "not a list of words")
                    + "; expected the vocabulary in index order");
        }
        List<String> words = new ArrayList<>();
        for (JsonNode w : wordsNode) {
            if (!w.isTextual()) {
                throw new BadInputException(file + ": words[" + words.size() + "] is " + w + "; expected a word");
            }
            words.add(w.textValue());
        }
        int vocabSize = JsonFields.intAtLeast(root, "vocab_size", 1, file);
        if (vocabSize != words.size()) {
            throw new BadInputException(file + ": 'vocab_size' is " + vocabSize + " but 'words' has " + words.size()
                    + "; expected them to agree");
        }
        SpecialTokens special = null;
        JsonNode sp = root.get("special_tokens");
        if (sp != null && !sp.isNull()) {
            special = new SpecialTokens(index(sp, "unk", vocabSize, file), index(sp, "cls", vocabSize, file),
                    index(sp, "pad", vocabSize, file));
        }
        JsonNode maxTrainNode = root.get("max_train");
        Integer maxTrain = maxTrainNode == null || maxTrainNode.isNull() ? null : maxTrainNode.intValue();
        JsonNode s = root.get("splits");
        if (s == null || !s.isObject() || !s.has(SentenceData.TRAIN)) {
            throw new BadInputException(file + ": 'splits' is missing or has no '" + SentenceData.TRAIN + "'; expected "
                    + "{\"train\": {\"sentences\": ...}, ...}");
        }
        Map<String, SplitInfo> splits = new LinkedHashMap<>();
        for (java.util.Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SPLITS.contains(name)) {
                throw new BadInputException(file + ": split '" + name + "' is unknown; expected " + SPLITS);
            }
            JsonNode one = s.get(name);
            splits.put(name, new SplitInfo(JsonFields.intAtLeast(one, "sentences", 0, file + " splits." + name),
                    LeftOutRows.read(one, file + " splits." + name)));
        }
        return new SentenceTableMetadata(version.intValue(), length, words, special, root.path("source").asText(""),
                maxTrain, root.path("seed").asLong(0), splits, root.path("written_by").asText(""),
                root.path("written_at").asText(""));
    }

    private static int index(JsonNode node, String field, int vocabSize, String file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0
                || v.intValue() >= vocabSize) {
            throw new BadInputException(file + ": special_tokens." + field + " is " + (v == null ? "missing" : v)
                    + "; expected a word index in [0, " + vocabSize + ")");
        }
        return v.intValue();
    }
}
