package captioner.data;

import captioner.BadInputException;
import captioner.model.Vocabulary;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes cs231n's {@code coco2014_vocab.json}: {@code {"idx_to_word": [...], "word_to_idx": {...}}}. */
public final class VocabularyJson {
    private static final String EXPECTED = "expected {\"idx_to_word\": [words...], \"word_to_idx\": {word: index...}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VocabularyJson() {
    }

    /**
     * @param source the file name for messages
     * @throws BadInputException on malformed JSON, missing or mistyped keys, a vocabulary without
     *         {@code <NULL>}/{@code <START>}/{@code <END>}, or maps that disagree
     */
    public static Vocabulary read(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new BadInputException(source + ": malformed JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr())
                    + " (" + e.getOriginalMessage() + "); " + EXPECTED, e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(source + ": the JSON is not an object; " + EXPECTED);
        }
        JsonNode words = root.get("idx_to_word");
        if (words == null || !words.isArray()) {
            throw new BadInputException(source + ": key 'idx_to_word' is " + (words == null ? "missing" : "not a list")
                    + "; " + EXPECTED);
        }
        List<String> idxToWord = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            JsonNode w = words.get(i);
            if (!w.isTextual()) {
                throw new BadInputException(source + ": idx_to_word[" + i + "] is " + w + "; expected a word (string)");
            }
            idxToWord.add(w.textValue());
        }
        JsonNode indices = root.get("word_to_idx");
        if (indices == null || !indices.isObject()) {
            throw new BadInputException(source + ": key 'word_to_idx' is "
                    + (indices == null ? "missing" : "not an object") + "; " + EXPECTED);
        }
        Map<String, Integer> wordToIdx = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : indices.properties()) {
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                throw new BadInputException(source + ": word_to_idx['" + e.getKey() + "'] is " + e.getValue()
                        + "; expected an integer index");
            }
            wordToIdx.put(e.getKey(), e.getValue().intValue());
        }
        return Vocabulary.fromMaps(idxToWord, wordToIdx, source);
    }

    /** Writes both maps, words in index order, as cs231n's file has them. */
    public static void write(Vocabulary vocab, OutputStream out) throws IOException {
        Map<String, Integer> wordToIdx = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            wordToIdx.put(vocab.word(i), i);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("idx_to_word", vocab.words());
        root.put("word_to_idx", wordToIdx);
        JSON.writeValue(out, root);
    }
}
