package captioner.data.synthetic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The corruptions that turn a grammatical synthetic sentence into an unacceptable one. Each kind is limited to edits
 * that break English, not only this grammar (the examples start from "a red dog is left of two blue balls"; those
 * marked * are edits {@link #apply} never returns, see below):
 * <ul>
 *   <li>{@link Kind#SWAP}: two words trade places, neighbours or not, unless both are adjectives ("big red" → "red
 *       big" is only a soft preference): "a dog red is left of two blue balls"*, "a red dog is balls of two blue
 *       left".</li>
 *   <li>{@link Kind#NUMBER}: a noun or a copula takes the other number: "a red dogs is …", "… of two blue ball",
 *       "a red dog are …"*, "there is three cats".</li>
 *   <li>{@link Kind#DROP}: a word whose absence English does not allow is left out: a determiner of a singular noun
 *       ("red dog is left of …"), never one of a plural (bare plurals are English), or {@code of}, {@code to},
 *       {@code that}, {@code there} (not after a fronted location: "on the beach is a dog" is a locative
 *       inversion), {@code many}, {@code can}, {@code be}: "a red dog is left two blue balls"* (its classes are those of
 *       "a red dog is near two blue balls"), "three cats be seen in the park".</li>
 *   <li>{@link Kind#DOUBLE}: a word other than an adjective is written twice: "a red dog is is left of …".</li>
 * </ul>
 * An edit whose result the grammar accepts (a plural after "the" outside the subject, "are there" from "there are"
 * where a question frame has it) is not a corruption: {@link #apply} tries another, so every corrupted sentence lies
 * outside the grammar and can never equal a grammatical one. Nor is an edit the seed's classifier cannot see
 * ({@link VisibleShapes}): a swap must put a word first or last that no sentence starts or ends with, and the other
 * kinds must leave a bag of word classes no grammatical sentence has. So "the dog are near two cats" (agreement
 * that only word order shows) and "a cats is near two dog" (a swap of the two nouns: same bag, same ends) are never
 * drawn.
 */
final class SentenceCorruption {
    /** The kinds, drawn uniformly (among those with an edit that qualifies). */
    enum Kind {
        SWAP, NUMBER, DROP, DOUBLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Set<String> DETERMINERS = Set.of("a", "an", "the", "two", "three");
    private static final Set<String> DROPPABLE = Set.of("of", "to", "that", "there", "many", "can", "be");

    /** A corrupted sentence and how it was made. */
    record Result(List<String> words, Kind kind) {
    }

    private final SentenceGrammar grammar;
    private final VisibleShapes shapes;

    SentenceCorruption(SentenceGrammar grammar) {
        this.grammar = grammar;
        this.shapes = new VisibleShapes(grammar);
    }

    /**
     * A corruption of the grammatical {@code words} that the grammar rejects and the seed's model can see
     * ({@link VisibleShapes}): a kind drawn uniformly, then its edits in a random order until one qualifies; a kind
     * with none gives way to another drawn from the rest.
     *
     * @throws IllegalStateException if no edit of any kind qualifies (no sentence of the grammar is so: a swap of the
     *     first and the last word always is)
     */
    Result apply(List<String> words, Random r) {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        while (!kinds.isEmpty()) {
            Kind kind = kinds.remove(r.nextInt(kinds.size()));
            List<List<String>> edits = edits(words, kind);
            Collections.shuffle(edits, r);
            for (List<String> edited : edits) {
                if (visible(kind, edited) && !grammar.accepts(edited)) {
                    return new Result(edited, kind);
                }
            }
        }
        throw new IllegalStateException("no corruption of '" + String.join(" ", words) + "' leaves the grammar");
    }

    /** A swap keeps the bag, so it must show at an end; the other kinds change the bag. */
    private boolean visible(Kind kind, List<String> edited) {
        return kind == Kind.SWAP ? !shapes.endsAreGrammatical(edited) : !shapes.bagIsGrammatical(edited);
    }

    /** Every edit of one kind. */
    static List<List<String>> edits(List<String> words, Kind kind) {
        List<List<String>> out = new ArrayList<>();
        int n = words.size();
        switch (kind) {
            case SWAP -> {
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        String a = words.get(i);
                        String b = words.get(j);
                        if (!a.equals(b) && !(SentenceGrammar.isAdjective(a) && SentenceGrammar.isAdjective(b))) {
                            List<String> e = new ArrayList<>(words);
                            e.set(i, b);
                            e.set(j, a);
                            out.add(e);
                        }
                    }
                }
            }
            case NUMBER -> {
                for (int i = 0; i < n; i++) {
                    String w = words.get(i);
                    String other = SentenceGrammar.isSingularNoun(w) || SentenceGrammar.isPluralNoun(w)
                            ? SentenceGrammar.otherNumber(w) : w.equals("is") ? "are" : w.equals("are") ? "is" : null;
                    if (other != null) {
                        List<String> e = new ArrayList<>(words);
                        e.set(i, other);
                        out.add(e);
                    }
                }
            }
            case DROP -> {
                for (int i = 0; i < n; i++) {
                    String w = words.get(i);
                    boolean determinerOfSingular = DETERMINERS.contains(w) && singularFollows(words, i);
                    // "on the beach there is a dog" without "there" is a locative inversion, which English allows.
                    boolean inversion = w.equals("there") && i > 0 && !words.get(i - 1).equals("is")
                            && !words.get(i - 1).equals("are");
                    if (determinerOfSingular || DROPPABLE.contains(w) && !inversion) {
                        List<String> e = new ArrayList<>(words);
                        e.remove(i);
                        out.add(e);
                    }
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    if (!SentenceGrammar.isAdjective(words.get(i))) {
                        List<String> e = new ArrayList<>(words);
                        e.add(i, words.get(i));
                        out.add(e);
                    }
                }
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return out;
    }

    /** Whether the first noun after position i is singular (i.e. the determiner at i starts a singular phrase). */
    private static boolean singularFollows(List<String> words, int i) {
        for (int k = i + 1; k < words.size(); k++) {
            String w = words.get(k);
            if (SentenceGrammar.isSingularNoun(w)) {
                return true;
            }
            if (SentenceGrammar.isPluralNoun(w)) {
                return false;
            }
        }
        return false;
    }
}
