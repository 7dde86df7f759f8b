package captioner.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Agreement to 1e-12 with the official MS-COCO caption scorers on fixed caption sets: the sets (JSON lines with
 * "generated" and "references", as {@code sample} writes them) and the scorers' figures, recorded once by
 * {@code make_expected.py}, are in {@code src/test/resources/captioner/eval/coco/}.
 */
class CocoScorerAgreementTest {
    static final String DIR = "/captioner/eval/coco/";
    private static final double EPS = 1e-12;
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode expected() throws IOException {
        try (InputStream in = CocoScorerAgreementTest.class.getResourceAsStream(DIR + "expected.json")) {
            return JSON.readTree(in);
        }
    }

    /** One set's lines: element 0 the hypotheses, element 1 the references, raw text. */
    static List<JsonNode> lines(String set) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = CocoScorerAgreementTest.class.getResourceAsStream(DIR + set)) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    static List<String[]> hypotheses(List<JsonNode> lines) {
        return lines.stream().map(l -> PtbTokenizer.tokenize(l.get("generated").asText())).toList();
    }

    static List<List<String[]>> references(List<JsonNode> lines) {
        List<List<String[]>> out = new ArrayList<>();
        for (JsonNode l : lines) {
            List<String[]> refs = new ArrayList<>();
            l.get("references").forEach(r -> refs.add(PtbTokenizer.tokenize(r.asText())));
            out.add(refs);
        }
        return out;
    }

    private static void assertAgrees(String set, int images) throws IOException {
        JsonNode want = expected().get("sets").get(set);
        List<JsonNode> lines = lines(set);
        assertEquals(images, lines.size());
        List<String[]> hyps = hypotheses(lines);
        List<List<String[]>> refs = references(lines);
        for (int i = 0; i < images; i++) {
            assertEquals(want.get("hypothesis_tokens").get(i).asText(), String.join(" ", hyps.get(i)), set + " " + i);
            for (int r = 0; r < refs.get(i).size(); r++) {
                assertEquals(want.get("reference_tokens").get(i).get(r).asText(), String.join(" ", refs.get(i).get(r)));
            }
        }
        CocoScores got = CocoScores.score(hyps, refs);
        for (int n = 1; n <= 4; n++) {
            assertEquals(want.get("Bleu_" + n).asDouble(), got.bleu(n), EPS, set + " Bleu_" + n);
        }
        assertEquals(want.get("ROUGE_L").asDouble(), got.rougeL(), EPS, set + " ROUGE_L");
        assertEquals(want.get("CIDEr").asDouble(), got.ciderD(), EPS, set + " CIDEr");
        for (int i = 0; i < images; i++) {
            JsonNode line = want.get("per_line").get(i);
            ImageScores s = got.images().get(i);
            for (int n = 1; n <= 4; n++) {
                assertEquals(line.get("Bleu_" + n).asDouble(), s.bleu(n), EPS, set + " image " + i + " Bleu_" + n);
            }
            assertEquals(line.get("ROUGE_L").asDouble(), s.rougeL(), EPS, set + " image " + i + " ROUGE_L");
            assertEquals(line.get("CIDEr").asDouble(), s.ciderD(), EPS, set + " image " + i + " CIDEr");
        }
    }

    @Test
    void edgeCasesAgree() throws IOException {
        // clipping, several references, an empty hypothesis, one longer than every reference, a word absent from
        // every reference, a one-word hypothesis, one of punctuation only, one equal to a reference
        assertAgrees("edge-cases.jsonl", 8);
    }

    @Test
    void aRealisticSetAgrees() throws IOException {
        assertAgrees("realistic.jsonl", 20);
    }

    @Test
    void oneImageAgreesAndItsCiderIsZero() throws IOException {
        assertAgrees("one-image.jsonl", 1);
        assertEquals(0, CocoScores.score(hypotheses(lines("one-image.jsonl")), references(lines("one-image.jsonl")))
                .ciderD());
    }
}
