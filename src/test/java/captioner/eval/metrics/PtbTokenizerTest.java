package captioner.eval.metrics;

import captioner.data.synthetic.SyntheticWorld;
import captioner.model.Vocabulary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The PTB-style tokenization of the official evaluation: its rules by hand, and the identity on vocabulary words. */
class PtbTokenizerTest {
    private static void assertTokens(String expected, String caption) {
        assertEquals(expected, String.join(" ", PtbTokenizer.tokenize(caption)), caption);
    }

    @Test
    void lowerCasesAndRemovesTheListedPunctuation() {
        assertTokens("a dog runs across a grassy field", "A dog runs across a grassy field.");
        assertTokens("wait what", "Wait -- what?!");
        assertTokens("one two three", "one, two; three...");
        assertTokens("", "... !");
    }

    @Test
    void splitsOffClitics() {
        assertTokens("a dog 's toy is n't here", "A dog's toy isn't here");
        assertTokens("they 're sure we 'll see i 'm told she 'd go we 've won", "They're sure we'll see I'm told "
                + "she'd go we've won");
        assertTokens("the dogs bowls", "the dogs' bowls"); // the closing quote is split off, then removed
        assertTokens("can not gon na", "cannot gonna");
    }

    @Test
    void keepsNumbersAbbreviationsAndHyphenatedWordsWhole() {
        assertTokens("1,000 birds at 10:30 on 3.5 acres", "1,000 birds at 10:30 on 3.5 acres.");
        assertTokens("mr. smith in the u.s. with a t-shirt", "Mr. Smith in the U.S. with a t-shirt");
        assertTokens("a 5-year-old boy", "a 5-year-old - boy");
    }

    @Test
    void bracketsStayAsLowerCaseEscapesAsInTheOfficialPipeline() {
        assertTokens("two -lrb- or three -rrb- cats", "Two (or three) cats");
    }

    @Test
    void isTheIdentityOnCaptionsDecodedFromAVocabulary() throws IOException {
        Vocabulary synthetic = new SyntheticWorld(1, 8).vocabulary();
        List<String> words = new ArrayList<>(synthetic.words());
        try (InputStream in = getClass().getResourceAsStream("/captioner/data/cs231n/h5py/coco2014_vocab.json")) {
            new ObjectMapper().readTree(in).get("idx_to_word").forEach(w -> words.add(w.asText()));
        }
        List<String> plain = words.stream().filter(w -> !w.startsWith("<")).toList();
        for (String w : plain) {
            assertArrayEquals(new String[] {w}, PtbTokenizer.tokenize(w), w);
        }
        String caption = String.join(" ", plain);
        assertArrayEquals(caption.split(" "), PtbTokenizer.tokenize(caption));
    }

    @Test
    void agreesWithTheOfficialDriversTokensOnUnusualText() throws IOException {
        JsonNode cases = CocoScorerAgreementTest.expected().get("tokenizer");
        assertEquals(10, cases.size());
        cases.properties().forEach(e -> assertTokens(e.getValue().asText(), e.getKey()));
    }
}
