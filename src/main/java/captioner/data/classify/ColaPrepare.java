package captioner.data.classify;

import captioner.BadInputException;
import captioner.data.RowCount;
import captioner.data.TrainingSubset;
import captioner.io.Location;
import org.apache.hadoop.conf.Configuration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Labelled sentences from CoLA's own TSV files ({@code in_domain_train.tsv}: no header, four tab-separated columns
 * {@code source, label, original label, sentence}), tokenized and indexed as seed 004's data: words by
 * {@link SentenceTokenizer}; the vocabulary is the words seen at least {@code minWordCount} times in the training
 * sentences kept, in the order they first occur there, after {@value #UNK} (index 0) and followed by {@value #CLS}
 * and {@value #PAD} (the seed author's order); every other word is UNK. A sentence is CLS, its words, then PAD up to
 * the length: the longest kept sentence plus CLS, or {@code maxLength}. CLS comes first because the seed's model
 * classifies from position 0 (see docs/classifier.md).
 *
 * <p>A line that cannot be used (not four columns, a label other than 0/1, more words than {@code maxLength}
 * leaves after CLS) is left out and counted ({@link LeftOutRows}), or with {@code strict} refused, naming the file
 * and the line. Files are read on the driver (CoLA is 10,657 sentences).
 */
public final class ColaPrepare {
    public static final String UNK = "<UNK>";
    public static final String CLS = "<CLS>";
    public static final String PAD = "<PAD>";
    /** The seed's threshold: words seen at least 5 times in training. */
    public static final int DEFAULT_MIN_WORD_COUNT = 5;
    /** The shortest sentence length: CLS and one word. */
    public static final int MIN_LENGTH = 2;
    static final int COLUMNS = 4;

    private ColaPrepare() {
    }

    /**
     * @param valTsv       null for a table with a training split only
     * @param maxLength    tokens per sentence (CLS included); null for the longest kept sentence plus CLS
     * @param maxTrain     keep a seeded subset of this many kept training sentences ({@link TrainingSubset}, before
     *                     the vocabulary is counted); null for all
     */
    public record Options(String trainTsv, String valTsv, int minWordCount, Integer maxLength, Integer maxTrain,
                          long seed, boolean strict) {
        /** The command line checks the values (naming its flags); these are the bounds it checks. */
        public Options {
            if (minWordCount < 1 || maxLength != null && maxLength < MIN_LENGTH) {
                throw new IllegalArgumentException("minWordCount " + minWordCount + " or maxLength " + maxLength);
            }
        }
    }

    /** The sentences, the indices of the added tokens, and what was left out per split. */
    public record Prepared(SentenceData data, SentenceTableMetadata.SpecialTokens special,
                           Map<String, LeftOutRows> counts) {
        /** One line per split: lines read, kept and left out, and why. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            for (Map.Entry<String, LeftOutRows> e : counts.entrySet()) {
                LeftOutRows c = e.getValue();
                s.append(String.format(Locale.ROOT, "%s: %d lines, %d sentences kept, %d left out", e.getKey(),
                        c.lines(), data.split(e.getKey()).size(), c.leftOut()));
                describe(s, "not 4 columns", c.wrongColumns());
                describe(s, "label not 0/1", c.badLabels());
                describe(s, "too long", c.tooLong());
                s.append(String.format(Locale.ROOT, "; %d words written as %s%n", c.unknownWords(), UNK));
            }
            return s.toString();
        }

        private static void describe(StringBuilder s, String what, RowCount<Long> c) {
            if (c.count() > 0) {
                s.append(String.format(Locale.ROOT, " (%s: %d, first line %d)", what, c.count(), c.first()));
            }
        }
    }

    /** A usable line: its label and words. */
    private record Line(int label, List<String> words) {
    }

    /** A file's usable lines, and the counts of the others. */
    private record Lines(List<Line> kept, long total, RowCount<Long> wrongColumns, RowCount<Long> badLabels,
                         RowCount<Long> tooLong) {
    }

    public static Prepared read(Options o, Configuration conf) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(SentenceData.TRAIN, o.trainTsv());
        if (o.valTsv() != null) {
            files.put(SentenceData.VAL, o.valTsv());
        }
        Map<String, Lines> read = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            read.put(f.getKey(), lines(Location.of(f.getValue(), conf), o));
        }
        List<Line> train = read.get(SentenceData.TRAIN).kept();
        if (o.maxTrain() != null) {
            List<Line> subset = new ArrayList<>();
            for (int row : TrainingSubset.rows(train.size(), o.maxTrain(), o.seed())) {
                subset.add(train.get(row));
            }
            read.put(SentenceData.TRAIN, withKept(read.get(SentenceData.TRAIN), subset));
        }
        List<String> words = vocabulary(read.get(SentenceData.TRAIN).kept(), o.minWordCount());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            index.put(words.get(i), i);
        }
        SentenceTableMetadata.SpecialTokens special = new SentenceTableMetadata.SpecialTokens(0,
                words.indexOf(CLS), words.indexOf(PAD));
        int length = o.maxLength() != null ? o.maxLength() : 1 + read.values().stream()
                .flatMap(l -> l.kept().stream()).mapToInt(l -> l.words().size()).max().orElse(0);
        Map<String, SentenceSplit> splits = new LinkedHashMap<>();
        Map<String, LeftOutRows> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Lines> e : read.entrySet()) {
            List<Line> kept = e.getValue().kept();
            int[] tokens = new int[kept.size() * length];
            java.util.Arrays.fill(tokens, special.pad());
            int[] labels = new int[kept.size()];
            long unknown = 0;
            for (int i = 0; i < kept.size(); i++) {
                Line l = kept.get(i);
                tokens[i * length] = special.cls();
                for (int w = 0; w < l.words().size(); w++) {
                    Integer ix = index.get(l.words().get(w));
                    unknown += ix == null ? 1 : 0;
                    tokens[i * length + 1 + w] = ix == null ? special.unk() : ix;
                }
                labels[i] = l.label();
            }
            splits.put(e.getKey(), new SentenceSplit(e.getKey(), length, tokens, labels));
            Lines l = e.getValue();
            counts.put(e.getKey(), new LeftOutRows(l.total(), l.wrongColumns(), l.badLabels(), l.tooLong(), unknown));
        }
        String source = String.join(" + ", files.values());
        return new Prepared(new SentenceData(source, words, splits), special, counts);
    }

    private static Lines withKept(Lines l, List<Line> kept) {
        return new Lines(kept, l.total(), l.wrongColumns(), l.badLabels(), l.tooLong());
    }

    /** UNK, the words seen at least {@code minCount} times in the order they first occur, CLS, PAD. */
    private static List<String> vocabulary(List<Line> train, int minCount) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Line l : train) {
            for (String w : l.words()) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> words = new ArrayList<>();
        words.add(UNK);
        counts.forEach((w, c) -> {
            if (c >= minCount) {
                words.add(w);
            }
        });
        words.add(CLS);
        words.add(PAD);
        return words;
    }

    private static Lines lines(Location file, Options o) {
        if (!file.isFile()) {
            throw new BadInputException(file + ": " + (file.exists() ? "is a folder" : "no such file")
                    + "; expected CoLA's TSV (source, label, original label, sentence; no header)");
        }
        List<Line> kept = new ArrayList<>();
        RowCount<Long> wrong = RowCount.none();
        RowCount<Long> label = RowCount.none();
        RowCount<Long> tooLong = RowCount.none();
        long number = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(file.open(), StandardCharsets.UTF_8))) {
            for (String text; (text = r.readLine()) != null; ) {
                number++;
                String[] fields = text.split("\t", -1);
                if (fields.length != COLUMNS) {
                    leftOut(o, file, number, fields.length + " columns; expected " + COLUMNS + " (source, label, "
                            + "original label, sentence), tab-separated");
                    wrong = wrong.plus(number);
                    continue;
                }
                String y = fields[1].trim();
                if (!y.equals("0") && !y.equals("1")) {
                    leftOut(o, file, number, "label '" + fields[1] + "'; expected 0 (unacceptable) or 1 (acceptable)");
                    label = label.plus(number);
                    continue;
                }
                List<String> words = SentenceTokenizer.words(fields[3]);
                if (o.maxLength() != null && words.size() > o.maxLength() - 1) {
                    leftOut(o, file, number, words.size() + " words; the sentence length " + o.maxLength()
                            + " leaves room for " + (o.maxLength() - 1) + " after " + CLS);
                    tooLong = tooLong.plus(number);
                    continue;
                }
                kept.add(new Line(Integer.parseInt(y), words));
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read it (" + e + ")", e);
        }
        return new Lines(kept, number, wrong, label, tooLong);
    }

    /** Refuses the line when strict; otherwise it is counted and left out. */
    private static void leftOut(Options o, Location file, long line, String why) {
        if (o.strict()) {
            throw new BadInputException(file + ": line " + line + " has " + why + " (strict: no line is left out)");
        }
    }
}
