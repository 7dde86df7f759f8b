package captioner.data.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The English of the synthetic sentence dataset: a small context-free grammar over the synthetic world's colours and
 * objects, with number agreement written out (an {@code _s} or {@code _p} symbol is singular or plural), that both
 * generates sentences and recognises them. A sentence is grammatical when some {@link Clause} derives it; the
 * recogniser is what guarantees that a corruption ({@link SentenceCorruption}) never yields a grammatical sentence.
 *
 * <p>Noun phrases: {@code a/an} or {@code the} before a singular noun, {@code two}, {@code three} or {@code the}
 * before a plural one, each with an optional size ({@code small}, {@code big}, and the rare {@code tiny},
 * {@code huge} that the vocabulary leaves out) or colour (one adjective: short sentences, fewer positions for the
 * classifier to learn); after existential {@code there} only the indefinite ones. {@code an}
 * exactly before a vowel. Locations: a relation ({@code near}, {@code behind}, {@code next to}, {@code in front of},
 * {@code left of}, …) and a noun phrase, or a place of the captioning world ({@code on the beach}, …). There are no
 * bare plurals and no recursion, so every sentence is short (see {@link #maxWords}).
 */
final class SentenceGrammar {
    /**
     * A clause type: a top-level symbol of the grammar, from which a sentence is drawn. Both splits draw from all of
     * them; what the splits do not share is the sentence's {@link #frame}.
     */
    enum Clause {
        LOCATIVE("C_locative", "NP_s is LOC | NP_p are LOC"),
        THERE("C_there", "there is INDEF_s | there are INDEF_p"),
        THERE_LOCATIVE("C_there_locative", "there is INDEF_s LOC | there are INDEF_p LOC"),
        QUESTION("C_question", "is NP_s LOC | are NP_p LOC"),
        THERE_QUESTION("C_there_question", "is there INDEF_s LOC | are there INDEF_p LOC | is there INDEF_s "
                + "| are there INDEF_p"),
        RELATIVE_PREDICATE("C_relative_predicate", "NP_s that is ADJ is LOC | NP_p that are ADJ are LOC"),
        RELATIVE_LOCATIVE("C_relative_locative", "NP_s that is LOC is ADJ | NP_p that are LOC are ADJ"),
        PREDICATE("C_predicate", "NP_s is ADJ | NP_p are ADJ"),
        SEEN("C_seen", "NP can be seen LOC"),
        HOW_MANY("C_how_many", "how many NOM_p are LOC"),
        COORDINATE_PREDICATE("C_coordinate_predicate", "NP and NP are ADJ"),
        COORDINATE_LOCATIVE("C_coordinate_locative", "NP and NP are LOC"),
        FRONTED_THERE("C_fronted_there", "LOC there is INDEF_s | LOC there are INDEF_p");

        final String symbol;
        final String productions;

        Clause(String symbol, String productions) {
            this.symbol = symbol;
            this.productions = productions;
        }

        /** e.g. "relative-locative". */
        String label() {
            return symbol.substring(2).replace('_', '-');
        }
    }

    static final String[] SIZES = {"small", "big"};
    /** Sizes drawn one time in {@value #RARE_IN} that the vocabulary leaves out: they become the unknown word. */
    static final Set<String> RARE_WORDS = Set.of("tiny", "huge");
    private static final int RARE_IN = 50;
    static final String[] RELATIONS = {"near", "behind", "beside", "above", "under", "next to", "in front of",
        "left of", "right of"};
    static final String[] PLACES = {"on the beach", "in the street", "in the park", "in a field", "in the snow",
        "near the water"};

    /** Productions per symbol: alternatives of symbol sequences; a symbol without productions is a word. */
    private final Map<String, List<String[]>> rules = new LinkedHashMap<>();

    SentenceGrammar() {
        for (Clause f : Clause.values()) {
            rule(f.symbol, f.productions);
        }
        rule("NP", "NP_s | NP_p");
        rule("NP_s", "ART NOM_s | the NOM_s");
        rule("NP_p", "NUM NOM_p | the NOM_p");
        // "there is the dog" is odd English (existential there wants an indefinite phrase).
        rule("INDEF_s", "ART NOM_s");
        rule("INDEF_p", "NUM NOM_p");
        rule("ART", "a | an");
        rule("NUM", "two | three");
        rule("NOM_s", "N_s | ADJ N_s");
        rule("NOM_p", "N_p | ADJ N_p");
        rule("ADJ", "SIZE | COLOUR");
        rule("SIZE", String.join(" | ", SIZES) + " | " + String.join(" | ", new TreeSet<>(RARE_WORDS)));
        rule("COLOUR", String.join(" | ", SyntheticWorld.COLOURS));
        rule("N_s", String.join(" | ", SyntheticWorld.OBJECTS));
        rule("N_p", String.join(" | ", SyntheticWorld.OBJECT_PLURALS));
        rule("LOC", "REL NP | PLACE");
        rule("REL", String.join(" | ", RELATIONS));
        rule("PLACE", String.join(" | ", PLACES));
    }

    private void rule(String symbol, String alternatives) {
        List<String[]> alts = new ArrayList<>();
        for (String alt : alternatives.split("\\|")) {
            alts.add(alt.trim().split(" "));
        }
        rules.put(symbol, alts);
    }

    /**
     * The frame of a grammatical sentence: its words with each content word replaced by its part of speech —
     * {@code ART} (a, an), {@code NUM}, {@code SIZE}, {@code COLOUR}, {@code N_s}, {@code N_p}, {@code REL} (each word of
     * a relation), {@code PLACE} — and the function words kept, e.g. "a red dog is left of two blue balls" has the
     * frame "ART COLOUR N_s is REL of NUM COLOUR N_p".
     */
    static String frame(List<String> words) {
        return String.join(" ", frameClasses(words));
    }

    /** {@link #frame} as a list: each word's part of speech, or the word itself if it is a function word. */
    static List<String> frameClasses(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(partOfSpeech(w));
        }
        return out;
    }

    private static final Set<String> RELATION_WORDS = Set.of("near", "behind", "beside", "above", "under", "next",
            "front", "left", "right");
    private static final Set<String> PLACE_WORDS = Set.of("beach", "street", "park", "field", "snow", "water");

    private static String partOfSpeech(String w) {
        if (w.equals("a") || w.equals("an")) {
            return "ART";
        }
        if (w.equals("two") || w.equals("three")) {
            return "NUM";
        }
        if (Arrays.asList(SIZES).contains(w) || RARE_WORDS.contains(w)) {
            return "SIZE";
        }
        if (Arrays.asList(SyntheticWorld.COLOURS).contains(w)) {
            return "COLOUR";
        }
        if (isSingularNoun(w)) {
            return "N_s";
        }
        if (isPluralNoun(w)) {
            return "N_p";
        }
        if (RELATION_WORDS.contains(w)) {
            return "REL";
        }
        return PLACE_WORDS.contains(w) ? "PLACE" : w;
    }

    /**
     * A random sentence of {@code clause}: each alternative uniformly, except that a rare size replaces a common one
     * one time in {@value #RARE_IN}; {@code a}/{@code an} follows the next word.
     */
    List<String> generate(Clause clause, Random r) {
        List<String> words = new ArrayList<>();
        expand(clause.symbol, r, words);
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("a") || words.get(i).equals("an")) {
                words.set(i, startsWithVowel(words.get(i + 1)) ? "an" : "a");
            }
        }
        return words;
    }

    private void expand(String symbol, Random r, List<String> out) {
        List<String[]> alts = rules.get(symbol);
        if (alts == null) {
            out.add(symbol);
            return;
        }
        String[] chosen;
        if (symbol.equals("SIZE")) {
            boolean rare = r.nextInt(RARE_IN) == 0;
            List<String> pool = rare ? new ArrayList<>(new TreeSet<>(RARE_WORDS)) : Arrays.asList(SIZES);
            chosen = new String[] {pool.get(r.nextInt(pool.size()))};
        } else {
            chosen = alts.get(r.nextInt(alts.size()));
        }
        for (String s : chosen) {
            expand(s, r, out);
        }
    }

    /** Whether some clause derives exactly {@code words}, with {@code a}/{@code an} right. */
    boolean accepts(List<String> words) {
        for (int i = 0; i + 1 < words.size(); i++) {
            String w = words.get(i);
            if ((w.equals("a") || w.equals("an")) && w.equals("an") != startsWithVowel(words.get(i + 1))) {
                return false;
            }
        }
        return clauseOf(words) != null;
    }

    /** The clause deriving {@code words} (a/an not checked), or null. */
    Clause clauseOf(List<String> words) {
        Map<String, Boolean> memo = new HashMap<>();
        for (Clause f : Clause.values()) {
            if (derives(f.symbol, words, 0, words.size(), memo)) {
                return f;
            }
        }
        return null;
    }

    /** Whether {@code symbol} derives words[from, to). */
    private boolean derives(String symbol, List<String> words, int from, int to, Map<String, Boolean> memo) {
        List<String[]> alts = rules.get(symbol);
        if (alts == null) {
            return to == from + 1 && words.get(from).equals(symbol);
        }
        String key = symbol + ' ' + from + ' ' + to;
        Boolean known = memo.get(key);
        if (known != null) {
            return known;
        }
        boolean result = false;
        for (String[] alt : alts) {
            if (sequence(alt, 0, words, from, to, memo)) {
                result = true;
                break;
            }
        }
        memo.put(key, result);
        return result;
    }

    /** Whether alt[k..] derives words[from, to); every symbol derives at least one word. */
    private boolean sequence(String[] alt, int k, List<String> words, int from, int to, Map<String, Boolean> memo) {
        if (k == alt.length) {
            return from == to;
        }
        int rest = alt.length - k - 1;
        for (int mid = from + 1; mid <= to - rest; mid++) {
            if (derives(alt[k], words, from, mid, memo) && sequence(alt, k + 1, words, mid, to, memo)) {
                return true;
            }
        }
        return false;
    }

    /** Symbols whose words the frame writes as the symbol itself ({@link #frame}). */
    private static final Set<String> FRAME_CLASSES = Set.of("ART", "NUM", "SIZE", "COLOUR", "N_s", "N_p");

    /**
     * Every frame the grammar derives ({@link #frame} of each of its sentences), enumerated without drawing: the
     * word classes stay symbols, relation and place words become their part of speech. A few thousand frames.
     */
    Set<List<String>> frames() {
        Map<String, Set<List<String>>> memo = new HashMap<>();
        Set<List<String>> out = new LinkedHashSet<>();
        for (Clause c : Clause.values()) {
            out.addAll(frames(c.symbol, memo));
        }
        return out;
    }

    private Set<List<String>> frames(String symbol, Map<String, Set<List<String>>> memo) {
        Set<List<String>> known = memo.get(symbol);
        if (known != null) {
            return known;
        }
        Set<List<String>> out = new LinkedHashSet<>();
        List<String[]> alts = rules.get(symbol);
        if (FRAME_CLASSES.contains(symbol) || alts == null) {
            out.add(List.of(FRAME_CLASSES.contains(symbol) ? symbol : partOfSpeech(symbol)));
        } else {
            for (String[] alt : alts) {
                Set<List<String>> prefixes = Set.of(List.of());
                for (String s : alt) {
                    Set<List<String>> longer = new LinkedHashSet<>();
                    for (List<String> prefix : prefixes) {
                        for (List<String> tail : frames(s, memo)) {
                            List<String> joined = new ArrayList<>(prefix);
                            joined.addAll(tail);
                            longer.add(List.copyOf(joined));
                        }
                    }
                    prefixes = longer;
                }
                out.addAll(prefixes);
            }
        }
        memo.put(symbol, out);
        return out;
    }

    /** The most words a sentence has. */
    int maxWords() {
        int max = 0;
        for (Clause f : Clause.values()) {
            max = Math.max(max, longest(f.symbol));
        }
        return max;
    }

    private int longest(String symbol) {
        List<String[]> alts = rules.get(symbol);
        if (alts == null) {
            return 1;
        }
        int max = 0;
        for (String[] alt : alts) {
            int sum = 0;
            for (String s : alt) {
                sum += longest(s);
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    /** Every word a sentence can contain, rare ones included, sorted. */
    TreeSet<String> words() {
        TreeSet<String> out = new TreeSet<>();
        for (List<String[]> alts : rules.values()) {
            for (String[] alt : alts) {
                for (String s : alt) {
                    if (!rules.containsKey(s)) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }

    /** Words of one part of speech, for the corruptions: nouns, singular or plural. */
    static boolean isSingularNoun(String w) {
        return Arrays.asList(SyntheticWorld.OBJECTS).contains(w);
    }

    static boolean isPluralNoun(String w) {
        return Arrays.asList(SyntheticWorld.OBJECT_PLURALS).contains(w);
    }

    static boolean isAdjective(String w) {
        return Arrays.asList(SIZES).contains(w) || RARE_WORDS.contains(w)
                || Arrays.asList(SyntheticWorld.COLOURS).contains(w);
    }

    /** The other number of a noun: dog ↔ dogs. */
    static String otherNumber(String noun) {
        List<String> sg = Arrays.asList(SyntheticWorld.OBJECTS);
        List<String> pl = Arrays.asList(SyntheticWorld.OBJECT_PLURALS);
        int i = sg.indexOf(noun);
        return i >= 0 ? pl.get(i) : sg.get(pl.indexOf(noun));
    }

    private static boolean startsWithVowel(String w) {
        return "aeiou".indexOf(w.charAt(0)) >= 0;
    }
}
