package captioner.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Captions as the MS-COCO caption evaluation prepares them before scoring: Stanford's PTBTokenizer with
 * {@code -preserveLines -lowerCase}, then the punctuation tokens it lists removed. Written from those rules, in
 * this order:
 * <ol>
 *   <li>lower-case (root locale); typographic quotes, the ellipsis and dashes become ASCII ({@code ’ ‘ → '},
 *       {@code “ ” → "}, {@code … → ...}, {@code — – → --});</li>
 *   <li>split off as tokens: runs of three or more periods ({@code ...}), runs of two or more hyphens
 *       ({@code --}), double quotes (PTB's {@code ``}/{@code ''}), {@code ; ? ! % $}, and commas and colons unless
 *       they stand between two digits ({@code 1,000} and {@code 10:30} stay whole); brackets become PTB's escapes
 *       {@code -lrb- -rrb- -lsb- -rsb- -lcb- -rcb-};</li>
 *   <li>in each whitespace-separated chunk: a final period becomes its own token unless the chunk is an acronym
 *       ({@code u.s.}) or one of a few abbreviations ({@code mr. dr. st. etc.} …); the clitics {@code n't 's 're
 *       've 'll 'm 'd} and closing quotes are split off the end ({@code don't → do n't}, {@code dog's → dog 's},
 *       {@code dogs' → dogs '}), opening quotes off the front; PTB's assimilations are split ({@code cannot → can
 *       not}, {@code gonna → gon na}, {@code gotta → got ta}, {@code wanna → wan na}, {@code gimme → gim me},
 *       {@code lemme → lem me});</li>
 *   <li>drop the tokens the official evaluation removes: {@code '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - --
 *       ... ;}. It compares case-sensitively after lower-casing, so the bracket escapes are never removed: they
 *       stay as {@code -lrb-} and so on, as in the official pipeline.</li>
 * </ol>
 *
 * <p>Where it can differ from the Stanford tokenizer, on text unlike captions: Stanford's lexer knows many more
 * abbreviations (a period after an unknown one is split off here), keeps URLs, e-mail addresses, emoticons and
 * some symbol sequences whole, splits {@code /}, {@code *}, {@code &} and {@code #} in some contexts (kept inside
 * words here), turns {@code "} into {@code ``} or {@code ''} by context (both removed either way), and rewrites
 * some British spellings (americanize). Lower-case words without punctuation, which is what captions decoded from
 * a vocabulary are, come out unchanged: there the tokenizer is the identity.
 */
public final class PtbTokenizer {
    /** Tokens the official evaluation removes after tokenizing, compared case-sensitively. */
    public static final Set<String> REMOVED = Set.of("''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
            ".", "?", "!", ",", ":", "-", "--", "...", ";");

    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc",
            "inc", "co", "ltd", "mt", "ave");
    private static final List<String> CLITICS = List.of("n't", "'s", "'re", "'ve", "'ll", "'m", "'d");
    private static final Map<String, List<String>> ASSIMILATIONS = Map.of("cannot", List.of("can", "not"),
            "gonna", List.of("gon", "na"), "gotta", List.of("got", "ta"), "wanna", List.of("wan", "na"),
            "gimme", List.of("gim", "me"), "lemme", List.of("lem", "me"));
    private static final Map<Character, String> BRACKETS = Map.of('(', "-lrb-", ')', "-rrb-", '[', "-lsb-",
            ']', "-rsb-", '{', "-lcb-", '}', "-rcb-");

    private PtbTokenizer() {
    }

    /** The caption's tokens, punctuation removed; an empty array for a caption of punctuation or nothing. */
    public static String[] tokenize(String caption) {
        List<String> out = new ArrayList<>();
        for (String chunk : separate(normalize(caption)).trim().split("\\s+")) {
            if (!chunk.isEmpty()) {
                for (String token : splitChunk(chunk)) {
                    if (!REMOVED.contains(token)) {
                        out.add(token);
                    }
                }
            }
        }
        return out.toArray(new String[0]);
    }

    private static String normalize(String caption) {
        return caption.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace('\u2018', '\'')
                .replace('\u201c', '"').replace('\u201d', '"').replace("\u2026", "...")
                .replace("\u2014", "--").replace("\u2013", "--");
    }

    /** Step 2: surrounds the characters that are always tokens of their own with spaces. */
    private static String separate(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int run = runOf(s, i, c);
            if (c == '.' && run >= 3) {
                b.append(" ... ");
                i += run - 1;
            } else if (c == '-' && run >= 2) {
                b.append(" -- ");
                i += run - 1;
            } else if (c == '"') {
                b.append(" '' ");
            } else if (BRACKETS.containsKey(c)) {
                b.append(' ').append(BRACKETS.get(c)).append(' ');
            } else if (c == ';' || c == '?' || c == '!' || c == '%' || c == '$') {
                b.append(' ').append(c).append(' ');
            } else if ((c == ',' || c == ':') && !(i > 0 && isDigit(s.charAt(i - 1)) && i + 1 < n
                    && isDigit(s.charAt(i + 1)))) {
                b.append(' ').append(c).append(' ');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int runOf(String s, int from, char c) {
        int i = from;
        while (i < s.length() && s.charAt(i) == c) {
            i++;
        }
        return i - from;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Step 3: one whitespace-free chunk into its tokens (before removal). */
    private static List<String> splitChunk(String chunk) {
        String word = chunk;
        List<String> tail = new ArrayList<>();
        if (word.length() > 1 && word.endsWith(".") && !word.endsWith("...")) {
            String stem = word.substring(0, word.length() - 1);
            if (!ABBREVIATIONS.contains(stem) && !isAcronym(stem)) {
                word = stem;
                tail.add(".");
            }
        }
        while (!CLITICS.contains(word)) {
            String clitic = cliticAtEnd(word);
            if (clitic != null) {
                word = word.substring(0, word.length() - clitic.length());
                tail.add(0, clitic);
            } else if (word.length() > 1 && isQuote(word.charAt(word.length() - 1)) && !isDoubleQuote(word)) {
                tail.add(0, word.substring(word.length() - 1));
                word = word.substring(0, word.length() - 1);
            } else {
                break;
            }
        }
        List<String> out = new ArrayList<>();
        while (word.length() > 1 && isQuote(word.charAt(0)) && !CLITICS.contains(word) && !isDoubleQuote(word)) {
            out.add(word.substring(0, 1));
            word = word.substring(1);
        }
        if (ASSIMILATIONS.containsKey(word)) {
            out.addAll(ASSIMILATIONS.get(word));
        } else if (!word.isEmpty()) {
            out.add(word);
        }
        out.addAll(tail);
        return out;
    }

    /** The clitic {@code word} ends with, when something other than a lone quote stands before it. */
    private static String cliticAtEnd(String word) {
        for (String clitic : CLITICS) {
            if (word.length() > clitic.length() && word.endsWith(clitic)) {
                String stem = word.substring(0, word.length() - clitic.length());
                return stem.equals("'") || stem.equals("`") ? null : clitic;
            }
        }
        return null;
    }

    /** Single letters joined by periods, the final period taken off already: {@code u.s}, {@code a.k.a}. */
    private static boolean isAcronym(String stem) {
        if (stem.length() < 3 || stem.length() % 2 == 0) {
            return false;
        }
        for (int i = 0; i < stem.length(); i++) {
            char c = stem.charAt(i);
            if (i % 2 == 0 ? !(c >= 'a' && c <= 'z') : c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '`';
    }

    private static boolean isDoubleQuote(String word) {
        return word.equals("''") || word.equals("``");
    }
}
