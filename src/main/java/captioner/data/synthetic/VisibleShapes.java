package captioner.data.synthetic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What of a sentence's shape the seed's one-layer classifier can see, taken over every frame of the grammar. Its
 * output reads position 0 (CLS), whose query is the same for every sentence, so each head returns a weighted average
 * of (token + position) vectors: a bag of words with position weights, or a pointer at the best-scoring (word,
 * position), such as the first or the last word. It holds no term in two words at once, so it cannot tell "the dog
 * is near two cats" from "two cats is near the dog". {@link SentenceCorruption} keeps only edits this model can see:
 * <ul>
 *   <li>the <em>bag</em> of a sentence — the multiset of its {@link SentenceGrammar#frame frame}'s classes — is that
 *       of no grammatical sentence (a number change, a dropped or doubled word: "a red dogs is near the cat" has an
 *       {@code a} and no singular noun for it);</li>
 *   <li>its first or its last word is of a class no grammatical sentence starts or ends with (a swap: "cats red dog
 *       is near two a").</li>
 * </ul>
 */
final class VisibleShapes {
    private final Set<List<String>> bags = new HashSet<>();
    private final Set<String> firsts = new HashSet<>();
    private final Set<String> lasts = new HashSet<>();

    VisibleShapes(SentenceGrammar grammar) {
        for (List<String> frame : grammar.frames()) {
            bags.add(bag(frame));
            firsts.add(frame.get(0));
            lasts.add(frame.get(frame.size() - 1));
        }
    }

    /** Whether some grammatical sentence has the classes of {@code words}, in any order. */
    boolean bagIsGrammatical(List<String> words) {
        return bags.contains(bag(SentenceGrammar.frameClasses(words)));
    }

    /** Whether the classes of the first and the last of {@code words} start and end grammatical sentences. */
    boolean endsAreGrammatical(List<String> words) {
        List<String> classes = SentenceGrammar.frameClasses(words);
        return firsts.contains(classes.get(0)) && lasts.contains(classes.get(classes.size() - 1));
    }

    private static List<String> bag(List<String> classes) {
        List<String> sorted = new ArrayList<>(classes);
        Collections.sort(sorted);
        return sorted;
    }
}
