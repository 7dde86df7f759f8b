package captioner.eval;

import captioner.TestSpark;
import captioner.eval.metrics.CocoScores;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The coco metrics on Spark: the same bits for 1 and 3 partitions, and the same bits as {@link CocoScores#score}
 * on the driver, on the caption sets whose official figures {@code CocoScorerAgreementTest} pins.
 */
class CocoScoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<CocoScoring.Image> images(String set) throws IOException {
        List<CocoScoring.Image> out = new ArrayList<>();
        try (InputStream in = CocoScoringTest.class.getResourceAsStream("/captioner/eval/coco/" + set)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                JsonNode l = JSON.readTree(line);
                List<String> refs = new ArrayList<>();
                l.get("references").forEach(r -> refs.add(r.asText()));
                // Two "decoders": the caption as given, and the first reference (a perfect match for one of them).
                out.add(new CocoScoring.Image(List.of(l.get("generated").asText(), refs.get(0)), refs));
            }
        }
        return out;
    }

    private static void assertSameBits(CocoScores a, CocoScores b) {
        for (int n = 1; n <= 4; n++) {
            assertEquals(Double.doubleToRawLongBits(a.bleu(n)), Double.doubleToRawLongBits(b.bleu(n)), "BLEU-" + n);
        }
        assertEquals(Double.doubleToRawLongBits(a.rougeL()), Double.doubleToRawLongBits(b.rougeL()));
        assertEquals(Double.doubleToRawLongBits(a.ciderD()), Double.doubleToRawLongBits(b.ciderD()));
        assertEquals(a.images().size(), b.images().size());
        for (int i = 0; i < a.images().size(); i++) {
            assertEquals(a.images().get(i).ciderD(), b.images().get(i).ciderD(), "image " + i);
            assertEquals(a.images().get(i).rougeL(), b.images().get(i).rougeL(), "image " + i);
            assertEquals(a.images().get(i).bleu(4), b.images().get(i).bleu(4), "image " + i);
        }
    }

    @Test
    void anyPartitioningGivesTheSameBitsAsTheDriverAlone() throws IOException {
        for (String set : List.of("realistic.jsonl", "edge-cases.jsonl")) {
            List<CocoScoring.Image> images = images(set);
            List<CocoScores> one = CocoScoring.run(TestSpark.session(), images, 2, 1);
            List<CocoScores> three = CocoScoring.run(TestSpark.session(), images, 2, 3);
            for (int d = 0; d < 2; d++) {
                assertSameBits(one.get(d), three.get(d));
                List<String[]> hyps = new ArrayList<>();
                List<List<String[]>> refs = new ArrayList<>();
                for (CocoScoring.Image image : images) {
                    CocoScoring.Tokenized t = new CocoScoring.Tokenized(image);
                    hyps.add(t.hypotheses[d]);
                    refs.add(t.references);
                }
                assertSameBits(CocoScores.score(hyps, refs), one.get(d));
            }
            // The second "decoder" repeats a reference: ROUGE-L 1 on every image.
            assertEquals(1.0, one.get(1).rougeL(), 1e-15, set);
        }
    }

    @Test
    void oneImageInMorePartitionsThanImagesScoresCiderZero() throws IOException {
        CocoScores alone = CocoScoring.run(TestSpark.session(), images("one-image.jsonl"), 2, 4).get(0);
        assertEquals(1, alone.images().size());
        assertEquals(0, alone.ciderD());
        assertEquals(0.8798076923076923, alone.rougeL(), 1e-12); // the official scorer's, expected.json
    }
}
