package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.RowCount;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CoLA's TSV layout tokenized and indexed as seed 004's data, on cola/train.tsv and cola/val.tsv (our sentences). */
class ColaPrepareTest {
    static String file(String name) throws Exception {
        return SeedFilesTest.resource("cola/" + name).toString();
    }

    private static ColaPrepare.Prepared read(int minCount, Integer maxLength, Integer maxTrain, boolean strict)
            throws Exception {
        return ColaPrepare.read(new ColaPrepare.Options(file("train.tsv"), file("val.tsv"), minCount, maxLength,
                maxTrain, 0, strict), new Configuration());
    }

    @Test
    void wordsArePythonsPunctuationDeletedLowerCasedAndSplitAtWhitespace() {
        assertEquals(List.of("dont", "wellknown", "cats", "x"), SentenceTokenizer.words("  Don't\tWELL-known  cats' "
                + "[x]... "));
        assertEquals(List.of(), SentenceTokenizer.words(" ?! "));
    }

    @Test
    void sentencesAreClsThenTheirWordsThenPadAndRareWordsUnk() throws Exception {
        ColaPrepare.Prepared p = read(2, null, null, false);
        // UNK first, words seen twice in training in first-occurrence order, then CLS and PAD (the seed's order).
        assertEquals(List.of("<UNK>", "the", "dog", "barked", "cat", "<CLS>", "<PAD>"), p.data().words());
        assertEquals(new SentenceTableMetadata.SpecialTokens(0, 5, 6), p.special());
        assertEquals(7, p.data().length(), "the longest sentence (6 words, in either file) plus CLS");
        SentenceSplit train = p.data().split(SentenceData.TRAIN);
        assertArrayEquals(new int[] {
            5, 1, 2, 3, 6, 6, 6, // the dog barked
            5, 1, 4, 0, 0, 1, 0, // the cat sat on the mat
            5, 2, 1, 3, 6, 6, 6, // dog the barked
            5, 1, 0, 0, 0, 0, 6, // the dogs bone is big
            5, 1, 0, 0, 6, 6, 6, // the cats sits
            5, 1, 2, 1, 4, 6, 6, // the dog the cat (lines 6 and 7 left out)
        }, train.tokens());
        assertArrayEquals(new int[] {1, 1, 0, 1, 0, 1}, train.labels());
        SentenceSplit val = p.data().split(SentenceData.VAL);
        assertArrayEquals(new int[] {5, 0, 2, 3, 0, 1, 4, 5, 4, 1, 6, 6, 6, 6}, val.tokens());
        assertArrayEquals(new int[] {1, 0}, val.labels());
        LeftOutRows c = p.counts().get(SentenceData.TRAIN);
        assertEquals(new LeftOutRows(8, new RowCount<>(1, 6L), new RowCount<>(1, 7L), RowCount.none(), 9), c);
        assertEquals(new LeftOutRows(2, RowCount.none(), RowCount.none(), RowCount.none(), 2),
                p.counts().get(SentenceData.VAL));
        assertEquals("train: 8 lines, 6 sentences kept, 2 left out (not 4 columns: 1, first line 6) (label not 0/1: 1, "
                + "first line 7); 9 words written as <UNK>\nval: 2 lines, 2 sentences kept, 0 left out; 2 words "
                + "written as <UNK>\n", p.describe().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void theSeedsThresholdOfFiveKeepsOnlyTheCommonestWord() throws Exception {
        ColaPrepare.Prepared p = read(ColaPrepare.DEFAULT_MIN_WORD_COUNT, null, null, false);
        assertEquals(List.of("<UNK>", "the", "<CLS>", "<PAD>"), p.data().words());
    }

    /** A given length leaves longer sentences out, and the vocabulary is counted over the kept ones. */
    @Test
    void sentencesLongerThanAGivenLengthAreLeftOutAndCounted() throws Exception {
        ColaPrepare.Prepared p = read(2, 5, null, false);
        assertEquals(List.of("<UNK>", "the", "dog", "barked", "<CLS>", "<PAD>"), p.data().words());
        assertEquals(5, p.data().length());
        assertEquals(4, p.data().split(SentenceData.TRAIN).size());
        assertEquals(new RowCount<>(2, 2L), p.counts().get(SentenceData.TRAIN).tooLong());
        assertEquals(new RowCount<>(1, 1L), p.counts().get(SentenceData.VAL).tooLong());
        assertArrayEquals(new int[] {4, 0, 1, 5, 5}, p.data().split(SentenceData.VAL).tokens(), "cat the");
    }

    @Test
    void maxTrainKeepsASeededSubsetInFileOrder() throws Exception {
        ColaPrepare.Prepared all = read(1, null, null, false);
        ColaPrepare.Prepared some = read(1, null, 3, false);
        int[] rows = captioner.data.TrainingSubset.rows(6, 3, 0);
        SentenceSplit train = some.data().split(SentenceData.TRAIN);
        assertEquals(3, train.size());
        for (int i = 0; i < 3; i++) {
            int[] expected = all.data().split(SentenceData.TRAIN).labels();
            assertEquals(expected[rows[i]], train.labels()[i]);
        }
    }

    @Test
    void strictRefusesTheFirstLineThatWouldBeLeftOut() throws Exception {
        BadInputException e = assertThrows(BadInputException.class, () -> read(2, null, null, true));
        assertEquals(file("train.tsv") + ": line 6 has 3 columns; expected 4 (source, label, original label, "
                + "sentence), tab-separated (strict: no line is left out)", e.getMessage());
        e = assertThrows(BadInputException.class, () -> ColaPrepare.read(new ColaPrepare.Options(file("val.tsv"),
                null, 1, 6, null, 0, true), new Configuration()));
        assertEquals(file("val.tsv") + ": line 1 has 6 words; the sentence length 6 leaves room for 5 after <CLS> "
                + "(strict: no line is left out)", e.getMessage());
        String none = java.nio.file.Path.of(file("val.tsv")).resolveSibling("none.tsv").toString();
        e = assertThrows(BadInputException.class, () -> ColaPrepare.read(new ColaPrepare.Options(none, null, 1, null,
                null, 0, false), new Configuration()));
        assertEquals(none + ": no such file; expected CoLA's TSV (source, label, original label, "
                + "sentence; no header)", e.getMessage());
    }
}
