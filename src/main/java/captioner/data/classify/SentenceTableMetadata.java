package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.JsonFields;
import captioner.data.TableJson;
import captioner.data.table.TableCommit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
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
                                    Map<String, SplitInfo> splits, String writtenBy, String writtenAt)
        implements TableCommit.Metadata {
    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** What a sentence table's table.json says it is. */
    public static final TableJson.Format FORMAT = new TableJson.Format("spark-captioner sentence table",
            FORMAT_VERSION, "sentence table", "captioner prepare --task classify");
    static final List<String> SPLITS = SeedFiles.SPLITS;

    /** The indices of the tokens prepare added to the words. */
    public record SpecialTokens(int unk, int cls, int pad) {
    }

    /** One split: its sentence count and, for a split prepared from TSV, what was left out (else null). */
    public record SplitInfo(int sentences, LeftOutRows prepared) {
    }

    public SentenceTableMetadata {
        words = List.copyOf(words);
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    /** Metadata of this build's format version. */
    static SentenceTableMetadata of(int sentenceLength, List<String> words, SpecialTokens specialTokens,
                                    TableJson.Provenance from, Map<String, SplitInfo> splits) {
        return new SentenceTableMetadata(FORMAT_VERSION, sentenceLength, words, specialTokens, from.source(),
                from.maxTrain(), from.seed(), splits, from.writtenBy(), from.writtenAt());
    }

    @Override
    public void write(OutputStream out) throws IOException {
        TableJson.write(out, FORMAT, root -> {
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
        }, new TableJson.Provenance(source, maxTrain, seed, writtenBy, writtenAt), splits, (info, one) -> {
            one.put("sentences", info.sentences());
            if (info.prepared() != null) {
                info.prepared().write(one);
            }
        });
    }

    /**
     * @param root the parsed table.json ({@link TableJson#parse})
     * @param file the file's name for messages
     * @throws BadInputException when a field is missing or wrong, or the format or its version is another
     */
    static SentenceTableMetadata read(JsonNode root, String file) {
        TableJson.check(root, file, FORMAT);
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
        JsonNode s = TableJson.splits(root, file, SentenceData.TRAIN, "{\"sentences\": ...}");
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
        return of(length, words, special, TableJson.provenance(root), splits);
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
