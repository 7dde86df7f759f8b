package captioner.data.synthetic;

import captioner.data.classify.ColaPrepare;
import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceSplit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded sentence dataset: balance, frame split, corruptions outside the grammar, determinism, encoding. */
class SyntheticSentencesTest {
    static SyntheticSentences sentences;
    static List<SyntheticSentences.Sentence> train;
    static List<SyntheticSentences.Sentence> val;

    @BeforeAll
    static void generate() {
        sentences = new SyntheticSentences(SyntheticSentences.SEED);
        train = new ArrayList<>();
        val = new ArrayList<>();
        for (int i = 0; i < SyntheticSentences.TRAIN; i++) {
            train.add(sentences.sentence(SentenceData.TRAIN, i));
        }
        for (int i = 0; i < SyntheticSentences.VAL; i++) {
            val.add(sentences.sentence(SentenceData.VAL, i));
        }
    }

    @Test
    void aboutSeventyPercentAreAcceptableInEachSplit() {
        for (List<SyntheticSentences.Sentence> split : List.of(train, val)) {
            double rate = split.stream().mapToInt(SyntheticSentences.Sentence::label).average().orElseThrow();
            assertTrue(rate > 0.67 && rate < 0.73, "acceptable rate " + rate);
        }
    }

    @Test
    void validationFramesAreOnesTrainingNeverShowsOfClausesItDoes() {
        SentenceGrammar grammar = new SentenceGrammar();
        Set<String> trainFrames = new HashSet<>();
        Set<String> valFrames = new HashSet<>();
        Set<String> trainClauses = new TreeSet<>();
        Set<String> valClauses = new TreeSet<>();
        for (SyntheticSentences.Sentence s : train) {
            trainFrames.add(s.frame());
            trainClauses.add(s.clause());
            assertFalse(sentences.isValidationFrame(s.frame()));
        }
        for (SyntheticSentences.Sentence s : val) {
            valFrames.add(s.frame());
            valClauses.add(s.clause());
            assertTrue(sentences.isValidationFrame(s.frame()));
        }
        Set<String> shared = new HashSet<>(valFrames);
        shared.retainAll(trainFrames);
        assertEquals(Set.of(), shared, "frames in both splits");
        Set<String> every = new TreeSet<>();
        for (SentenceGrammar.Clause c : SentenceGrammar.Clause.values()) {
            every.add(c.label());
        }
        assertEquals(every, trainClauses);
        assertEquals(every, valClauses);
        assertTrue(valFrames.size() > 300, valFrames.size() + " validation frames");
        // An acceptable sentence's recorded clause and frame are what the grammar finds in its words.
        for (List<SyntheticSentences.Sentence> split : List.of(train, val)) {
            for (SyntheticSentences.Sentence s : split) {
                if (s.label() == 1) {
                    SentenceGrammar.Clause c = grammar.clauseOf(s.words());
                    assertNotNull(c, s.words().toString());
                    assertEquals(s.clause(), c.label(), String.join(" ", s.words()));
                    assertEquals(s.frame(), SentenceGrammar.frame(s.words()));
                }
            }
        }
        assertEquals("ART COLOUR N_s is REL of NUM COLOUR N_p",
                SentenceGrammar.frame(words("a red dog is left of two blue balls")));
        Set<String> trainWords = new HashSet<>();
        train.forEach(s -> trainWords.addAll(s.words()));
        for (SyntheticSentences.Sentence s : val) {
            assertTrue(trainWords.containsAll(s.words()), "a validation word no training sentence has: " + s.words());
        }
    }

    @Test
    void everyCorruptionLeavesTheGrammarAndEqualsNoAcceptableSentence() {
        Set<List<String>> acceptable = new HashSet<>();
        Set<String> kinds = new TreeSet<>();
        for (List<SyntheticSentences.Sentence> split : List.of(train, val)) {
            for (SyntheticSentences.Sentence s : split) {
                if (s.label() == 1) {
                    assertTrue(sentences.grammatical(s.words()), String.join(" ", s.words()));
                    acceptable.add(s.words());
                }
            }
        }
        for (List<SyntheticSentences.Sentence> split : List.of(train, val)) {
            for (SyntheticSentences.Sentence s : split) {
                if (s.label() == 0) {
                    kinds.add(s.kind());
                    assertFalse(sentences.grammatical(s.words()), s.kind() + ": " + String.join(" ", s.words()));
                    assertFalse(acceptable.contains(s.words()), String.join(" ", s.words()));
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("swap", "number", "drop", "double")), kinds);
    }

    @Test
    void everyCorruptionShowsInItsBagOrAtAnEnd() {
        SentenceGrammar grammar = new SentenceGrammar();
        VisibleShapes shapes = new VisibleShapes(grammar);
        Set<List<String>> frames = grammar.frames();
        for (List<SyntheticSentences.Sentence> split : List.of(train, val)) {
            for (SyntheticSentences.Sentence s : split) {
                String text = s.kind() + ": " + String.join(" ", s.words());
                if (s.label() == 1) {
                    assertTrue(frames.contains(SentenceGrammar.frameClasses(s.words())), text);
                    assertTrue(shapes.bagIsGrammatical(s.words()) && shapes.endsAreGrammatical(s.words()), text);
                } else if (s.kind().equals("swap")) {
                    assertFalse(shapes.endsAreGrammatical(s.words()), text);
                } else {
                    assertFalse(shapes.bagIsGrammatical(s.words()), text);
                }
            }
        }
        // Agreement across two nouns of different numbers needs word order: "two cats are near the dog" has the bag.
        assertTrue(shapes.bagIsGrammatical(words("the dog are near two cats")));
        assertFalse(shapes.bagIsGrammatical(words("a dogs is near two cats")), "an article and no singular noun");
        assertFalse(shapes.bagIsGrammatical(words("a dog is is near the cat")), "two copulas and no relative clause");
        assertTrue(shapes.endsAreGrammatical(words("a dog red is near two cats")), "a swap inside keeps the ends");
        assertFalse(shapes.endsAreGrammatical(words("cats red dog is near two a")));
    }

    @Test
    void corruptionsAreTheDocumentedEdits() {
        List<String> s = words("a red dog is left of two blue balls");
        List<List<String>> number = SentenceCorruption.edits(s, SentenceCorruption.Kind.NUMBER);
        assertTrue(number.contains(words("a red dogs is left of two blue balls")));
        assertTrue(number.contains(words("a red dog is left of two blue ball")));
        assertTrue(number.contains(words("a red dog are left of two blue balls")));
        assertEquals(3, number.size());
        List<List<String>> drop = SentenceCorruption.edits(s, SentenceCorruption.Kind.DROP);
        // The determiner of the singular subject and "of"; never "two" (bare plurals are English).
        assertEquals(List.of(words("red dog is left of two blue balls"), words("a red dog is left two blue balls")),
                drop);
        List<List<String>> doubled = SentenceCorruption.edits(s, SentenceCorruption.Kind.DOUBLE);
        assertTrue(doubled.contains(words("a red dog is is left of two blue balls")));
        assertFalse(doubled.contains(words("a red red dog is left of two blue balls")), "no doubled adjective");
        List<List<String>> swaps = SentenceCorruption.edits(s, SentenceCorruption.Kind.SWAP);
        assertTrue(swaps.contains(words("a dog red is left of two blue balls")));
        // A swap of the two adjectives "blue" and "red" is not an edit: adjective order is only a preference.
        assertFalse(swaps.contains(words("a blue dog is left of two red balls")));
        // "there is" → "is there" makes a question the grammar has: apply() never returns it.
        SentenceGrammar grammar = new SentenceGrammar();
        assertTrue(grammar.accepts(words("is there a dog")));
        assertTrue(grammar.accepts(words("there are three small cats")));
        assertFalse(grammar.accepts(words("there are the cats")), "existential there takes indefinites");
        assertFalse(grammar.accepts(words("a umbrella is red")));
        SentenceCorruption corruption = new SentenceCorruption(grammar);
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            SentenceCorruption.Result c = corruption.apply(words("there is a dog"), r);
            assertFalse(grammar.accepts(c.words()), c.words().toString());
        }
    }

    @Test
    void sameSeedSameSentencesOtherSeedOthers() {
        SentenceData a = new SyntheticSentences(5).data(300, 100);
        SentenceData b = new SyntheticSentences(5).data(300, 100);
        SentenceData c = new SyntheticSentences(6).data(300, 100);
        for (String split : List.of(SentenceData.TRAIN, SentenceData.VAL)) {
            assertArrayEquals(a.split(split).tokens(), b.split(split).tokens());
            assertArrayEquals(a.split(split).labels(), b.split(split).labels());
            assertFalse(Arrays.equals(a.split(split).tokens(), c.split(split).tokens()));
        }
        // A prefix of a split is the same sentences as the longer split's start.
        SentenceSplit longer = new SyntheticSentences(5).split(SentenceData.TRAIN, 400);
        assertArrayEquals(a.split(SentenceData.TRAIN).tokens(),
                Arrays.copyOf(longer.tokens(), a.split(SentenceData.TRAIN).tokens().length));
    }

    @Test
    void encodedAsPrepareNumbersWordsUnkFirstClsAndPadLast() {
        SentenceData d = SyntheticSentences.defaultData();
        List<String> words = d.words();
        int v = words.size();
        assertEquals(SyntheticSentences.UNK, words.get(0));
        assertEquals(List.of(SyntheticSentences.CLS, SyntheticSentences.PAD), words.subList(v - 2, v));
        assertEquals(List.of("<CLS>", "<PAD>", "<UNK>"), List.of(ColaPrepare.CLS, ColaPrepare.PAD, ColaPrepare.UNK));
        assertEquals(SyntheticSentences.TRAIN, d.split(SentenceData.TRAIN).size());
        assertEquals(SyntheticSentences.VAL, d.split(SentenceData.VAL).size());
        SentenceSplit s = d.split(SentenceData.TRAIN);
        int t = d.length();
        boolean unknown = false;
        for (int i = 0; i < s.size(); i++) {
            assertEquals(v - 2, s.tokens()[i * t], "CLS first");
            List<String> expected = train.get(i).words();
            int k = 1;
            for (String w : expected) {
                int token = s.tokens()[i * t + k++];
                unknown |= token == 0;
                assertEquals(SentenceGrammar.RARE_WORDS.contains(w) ? SyntheticSentences.UNK : w, words.get(token));
            }
            for (; k < t; k++) {
                assertEquals(v - 1, s.tokens()[i * t + k], "PAD after the words");
            }
            assertEquals(train.get(i).label(), s.labels()[i]);
        }
        assertTrue(unknown, "the rare sizes are written as <UNK>");
        s.check("tokens", "labels", words.size(), "vocabulary");
        d.vocabulary();
    }

    private static List<String> words(String s) {
        return List.of(s.split(" "));
    }
}
