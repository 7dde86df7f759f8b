package captioner.data.synthetic;

import captioner.data.classify.ColaPrepare;
import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceSplit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The embedded default dataset of the classify task: CoLA-like acceptability judgements on sentences about the
 * synthetic world, generated in memory, offline and deterministically from a seed (a few hundred milliseconds).
 *
 * <p>Each sentence i of a split draws, from its own random source (seed, split, i), a clause type uniformly
 * ({@link SentenceGrammar.Clause}: statements, "there is", questions, relative clauses, coordination, fronted
 * locations) and a sentence of it ({@link SentenceGrammar}), drawn again until its <em>frame</em> — the sentence with
 * each content word replaced by its part of speech ({@link SentenceGrammar#frame}) — belongs to the split: one frame
 * in {@value #VALIDATION_FRAMES_IN} is validation's ({@link #isValidationFrame}), so validation sentences have frames
 * training never shows, built of clause types and phrases it does. Then whether it stays acceptable
 * ({@value #ACCEPTABLE_RATE}, CoLA's balance: 70.4% of its training sentences are acceptable); if not, a
 * {@link SentenceCorruption} of it, which the grammar rejects and the seed's model can see ({@link VisibleShapes}).
 *
 * <p>Encoding as {@link ColaPrepare} (the seed author's script) numbers words: {@code <UNK>} = 0, every word of the
 * grammar but the rare sizes, sorted, then {@code <CLS>} and {@code <PAD>} last; each row is CLS, the words, then PAD up to {@link #length} (the longest
 * sentence plus one doubled word, plus CLS). The rare sizes ({@code tiny}, {@code huge}) are written as UNK, as
 * CoLA's words seen fewer than five times are.
 */
public final class SyntheticSentences {
    /** CoLA's split sizes: 7,000 training and 1,551 validation sentences (the seed's {@code train_inxs.npy}). */
    public static final int TRAIN = 20000;
    public static final int VAL = 1551;
    public static final long SEED = 1;
    public static final double ACCEPTABLE_RATE = 0.7;
    public static final String PAD = ColaPrepare.PAD;
    public static final String CLS = ColaPrepare.CLS;
    public static final String UNK = ColaPrepare.UNK;

    private static final long SALT = 0x5E47E7CEL;
    private static final long SALT_FRAMES = 0xF7A3E5L;
    /** One frame in this many is validation's. */
    public static final int VALIDATION_FRAMES_IN = 4;

    /**
     * One generated sentence with how it was made: its clause type, the frame of the grammatical sentence it is
     * (or was, before the corruption {@code kind}; null for an acceptable sentence).
     */
    public record Sentence(List<String> words, int label, String clause, String frame, String kind) {
    }

    private final long seed;
    private final SentenceGrammar grammar = new SentenceGrammar();
    private final SentenceCorruption corruption = new SentenceCorruption(grammar);
    private final List<String> vocabulary;

    public SyntheticSentences(long seed) {
        this.seed = seed;
        List<String> v = new ArrayList<>(List.of(UNK));
        for (String w : grammar.words()) {
            if (!SentenceGrammar.RARE_WORDS.contains(w)) {
                v.add(w);
            }
        }
        v.add(CLS);
        v.add(PAD);
        vocabulary = List.copyOf(v);
    }

    /** The embedded default: {@value #TRAIN} training and {@value #VAL} validation sentences of seed {@value #SEED}. */
    public static SentenceData defaultData() {
        return new SyntheticSentences(SEED).data(TRAIN, VAL);
    }

    /** Words by index: UNK, the grammar's words, CLS, PAD (as {@code prepare --task classify} orders them). */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /** T: CLS, the longest sentence, and one more word (a doubled one). */
    public int length() {
        return grammar.maxWords() + 2;
    }

    /** Sentence {@code index} of {@code split} ({@link SentenceData#TRAIN} or {@link SentenceData#VAL}). */
    public Sentence sentence(String split, int index) {
        boolean validation = splitId(split) == 1;
        Random r = new Random(SyntheticWorld.mix(seed, SALT, splitId(split), index));
        SentenceGrammar.Clause[] clauses = SentenceGrammar.Clause.values();
        SentenceGrammar.Clause clause;
        List<String> words;
        do {
            clause = clauses[r.nextInt(clauses.length)];
            words = grammar.generate(clause, r);
        } while (isValidationFrame(SentenceGrammar.frame(words)) != validation);
        String frame = SentenceGrammar.frame(words);
        if (r.nextDouble() < ACCEPTABLE_RATE) {
            return new Sentence(words, 1, clause.label(), frame, null);
        }
        SentenceCorruption.Result c = corruption.apply(words, r);
        return new Sentence(c.words(), 0, clause.label(), frame, c.kind().label());
    }

    /** The first {@code n} sentences of {@code split}, encoded. */
    public SentenceSplit split(String split, int n) {
        int t = length();
        int[] tokens = new int[n * t];
        int[] labels = new int[n];
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        for (int i = 0; i < n; i++) {
            Sentence s = sentence(split, i);
            encode(s.words(), index, tokens, i * t, t);
            labels[i] = s.label();
        }
        return new SentenceSplit(split, t, tokens, labels);
    }

    /** {@code train} training and {@code val} validation sentences with the vocabulary. */
    public SentenceData data(int train, int val) {
        Map<String, SentenceSplit> splits = new LinkedHashMap<>();
        splits.put(SentenceData.TRAIN, split(SentenceData.TRAIN, train));
        splits.put(SentenceData.VAL, split(SentenceData.VAL, val));
        return new SentenceData(source(), vocabulary, splits);
    }

    /** How messages and run.json name this dataset. */
    public String source() {
        return "the embedded synthetic sentences (seed " + seed + ")";
    }

    /**
     * Whether sentences of {@code frame} ({@link SentenceGrammar#frame}) belong to validation: one frame in
     * {@value #VALIDATION_FRAMES_IN}, chosen by a hash of the frame and the seed, so no frame is in both splits.
     */
    public boolean isValidationFrame(String frame) {
        return Math.floorMod(SyntheticWorld.mix(seed, SALT_FRAMES, frame.hashCode(), 0), VALIDATION_FRAMES_IN) == 0;
    }

    /** Whether the grammar derives {@code words}: what no corrupted sentence does. */
    public boolean grammatical(List<String> words) {
        return grammar.accepts(words);
    }

    private static void encode(List<String> words, Map<String, Integer> index, int[] dst, int offset, int t) {
        if (words.size() + 1 > t) {
            throw new IllegalStateException(words + " does not fit " + t + " tokens");
        }
        Arrays.fill(dst, offset, offset + t, index.get(PAD));
        dst[offset] = index.get(CLS);
        for (int i = 0; i < words.size(); i++) {
            dst[offset + 1 + i] = index.getOrDefault(words.get(i), index.get(UNK));
        }
    }

    private static int splitId(String split) {
        return switch (split) {
            case SentenceData.TRAIN -> 0;
            case SentenceData.VAL -> 1;
            default -> throw new IllegalArgumentException("no split '" + split + "'; expected train or val");
        };
    }
}
