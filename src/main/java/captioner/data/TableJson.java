package captioner.data;

import captioner.BadInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The frame every table's {@code table.json} shares, written and read here once: {@code format} and
 * {@code format_version} first, then the table's own fields, then {@code source}, {@code max_train}, {@code seed},
 * {@code splits} (each split's own fields) and last {@code written_by}, {@code written_at}. A table's metadata
 * class adds only its own fields ({@code data.table.TableMetadata}, {@code data.classify.SentenceTableMetadata}).
 */
public final class TableJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TableJson() {
    }

    /**
     * A kind of table.
     *
     * @param format  the {@code format} value that tells this kind from the others
     * @param version the format version this build writes and the only one it reads
     * @param name    what messages call it, e.g. "caption table"
     * @param command the command that writes it, e.g. "captioner prepare"
     */
    public record Format(String format, int version, String name, String command) {
        /** Whether {@code root} (a parsed table.json) says it is this kind. */
        public boolean describes(JsonNode root) {
            return root != null && format.equals(root.path("format").asText(null));
        }
    }

    /**
     * Where a table came from and who wrote it.
     *
     * @param maxTrain the {@code --max-train} it was prepared with (null: every training row)
     * @param seed     the seed of that subset
     */
    public record Provenance(String source, Integer maxTrain, long seed, String writtenBy, String writtenAt) {
        /** A table written now by this build. */
        public static Provenance now(String source, Integer maxTrain, long seed) {
            String version = TableJson.class.getPackage().getImplementationVersion();
            return new Provenance(source, maxTrain, seed,
                    "spark-captioner " + (version == null ? "(development build)" : version),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    /**
     * Writes a table.json: the frame's fields around the table's own ({@code own} puts them after the format
     * version) and each split's ({@code split} puts them into the split's object).
     */
    public static <S> void write(OutputStream out, Format format, Consumer<ObjectNode> own, Provenance from,
                                 Map<String, S> splits, BiConsumer<S, ObjectNode> split) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format.format());
        root.put("format_version", format.version());
        own.accept(root);
        root.put("source", from.source());
        if (from.maxTrain() == null) {
            root.putNull("max_train");
        } else {
            root.put("max_train", from.maxTrain());
        }
        root.put("seed", from.seed());
        ObjectNode s = root.putObject("splits");
        for (Map.Entry<String, S> e : splits.entrySet()) {
            split.accept(e.getValue(), s.putObject(e.getKey()));
        }
        root.put("written_by", from.writtenBy());
        root.put("written_at", from.writtenAt());
        JSON.writeValue(out, root);
    }

    /**
     * Parses {@code in}, any JSON; {@code file} names it in messages.
     *
     * @throws BadInputException when it is not JSON, naming the command that writes {@code format}'s tables
     */
    public static JsonNode parse(InputStream in, String file, Format format) throws IOException {
        try {
            return JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": malformed JSON (" + e.getOriginalMessage()
                    + "); expected the metadata that '" + format.command() + "' writes", e);
        }
    }

    /**
     * Refuses a parsed {@code root} that is not {@code format}'s table.json or has another format version.
     *
     * @return root, an object
     */
    public static JsonNode check(JsonNode root, String file, Format format) {
        if (root == null || !root.isObject() || !format.describes(root)) {
            throw new BadInputException(file + ": not a " + format.name() + "'s metadata (no \"format\": \""
                    + format.format() + "\"); expected the table.json that '" + format.command() + "' writes");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt()) {
            throw new BadInputException(file + ": 'format_version' is " + (version == null ? "missing" : version)
                    + "; expected " + format.version());
        }
        if (version.intValue() != format.version()) {
            throw new BadInputException(file + ": the table has format version " + version.intValue()
                    + " but this build reads version " + format.version() + "; expected a table written by the same "
                    + "version of spark-captioner (run '" + format.command() + "' again to rewrite it)");
        }
        return root;
    }

    /** The provenance fields of a checked {@code root}; absent ones are empty (0 for the seed, null max_train). */
    public static Provenance provenance(JsonNode root) {
        JsonNode maxTrain = root.get("max_train");
        return new Provenance(root.path("source").asText(""),
                maxTrain == null || maxTrain.isNull() ? null : maxTrain.intValue(), root.path("seed").asLong(0),
                root.path("written_by").asText(""), root.path("written_at").asText(""));
    }

    /**
     * The {@code splits} object of a checked {@code root}, which must hold {@code train}.
     *
     * @param example one split's fields as messages show them, e.g. {@code {"sentences": ...}}
     */
    public static JsonNode splits(JsonNode root, String file, String train, String example) {
        JsonNode s = root.get("splits");
        if (s == null || !s.isObject() || !s.has(train)) {
            throw new BadInputException(file + ": 'splits' is missing or has no '" + train + "'; expected {\"" + train
                    + "\": " + example + ", ...}");
        }
        return s;
    }
}
