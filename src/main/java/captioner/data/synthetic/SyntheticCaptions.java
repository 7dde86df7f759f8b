package captioner.data.synthetic;

import captioner.model.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Describes a {@link SyntheticScene} in English with eight templates, e.g. for two red dogs at the beach:
 * <pre>
 * 0  two red dogs on the beach                 4  two dogs that are red on a beach
 * 1  there are two red dogs at the beach       5  the two red dogs are on the beach
 * 2  a photo of two red dogs on the beach      6  two red dogs can be seen on the beach
 * 3  on the beach there are two red dogs       7  an image showing two red dogs on the beach
 * </pre>
 * Places have two or three phrasings ("on a beach", "at the beach"...). Each image gets five different templates,
 * like COCO's five captions per image. In templates 2 and 7, one caption in ten says "snapshot" or "illustration"
 * instead of "photo" or "image": those rare words are not in the vocabulary, so they are written as {@code <UNK>}.
 * Captions have at most 10 words, well within cs231n's 15.
 */
final class SyntheticCaptions {
    static final int TEMPLATES = 8;
    static final Set<String> RARE_WORDS = Set.of("snapshot", "illustration");
    private static final double RARE_RATE = 0.1;

    /** Per place (index of {@link SyntheticWorld#PLACES}), its phrasings. */
    private static final String[][] PLACE_PHRASES = {
        {"on the beach", "on a beach", "at the beach"},
        {"on the street", "on a street", "in the street"},
        {"in the park", "in a park"},
        {"in a field", "in the field", "in a grassy field"},
        {"in the snow", "in deep snow"},
        {"near the water", "by the water", "on the water"},
    };
    private static final String[] NUMBERS = {null, null, "two", "three"};
    private static final String FIXED_WORDS = "a an the there is are photo of that can be seen image showing";

    private SyntheticCaptions() {
    }

    /** The words of template {@code template} for {@code s}; {@code r} picks phrasings and rare words. */
    static List<String> words(int template, SyntheticScene s, Random r) {
        List<String> w = new ArrayList<>(12);
        String place = PLACE_PHRASES[s.place()][r.nextInt(PLACE_PHRASES[s.place()].length)];
        boolean rare = r.nextDouble() < RARE_RATE;
        switch (template) {
            case 0 -> {
                nounPhrase(w, s, true);
                add(w, place);
            }
            case 1 -> {
                add(w, "there " + be(s));
                nounPhrase(w, s, true);
                add(w, place);
            }
            case 2 -> {
                add(w, rare ? "a snapshot of" : "a photo of");
                nounPhrase(w, s, true);
                add(w, place);
            }
            case 3 -> {
                add(w, place);
                add(w, "there " + be(s));
                nounPhrase(w, s, true);
            }
            case 4 -> {
                nounPhrase(w, s, false);
                add(w, "that " + be(s) + " " + s.colourWord());
                add(w, place);
            }
            case 5 -> {
                w.add("the");
                if (s.count() > 1) {
                    w.add(NUMBERS[s.count()]);
                }
                w.add(s.colourWord());
                w.add(noun(s));
                w.add(be(s));
                add(w, place);
            }
            case 6 -> {
                nounPhrase(w, s, true);
                add(w, "can be seen");
                add(w, place);
            }
            case 7 -> {
                add(w, rare ? "an illustration showing" : "an image showing");
                nounPhrase(w, s, true);
                add(w, place);
            }
            default -> throw new IllegalArgumentException("no template " + template);
        }
        return w;
    }

    /**
     * Writes {@code perImage} captions of {@code s}, each from a different template, as rows of
     * {@code captionLength} word indices starting at {@code dst[offset]}:
     * {@code <START> w1 ... wk <END> <NULL> ...}, rare words as {@code <UNK>}.
     */
    static void encode(SyntheticScene s, Random r, Vocabulary vocab, int perImage, int captionLength, int[] dst,
                       int offset) {
        List<Integer> order = new ArrayList<>(TEMPLATES);
        for (int t = 0; t < TEMPLATES; t++) {
            order.add(t);
        }
        Collections.shuffle(order, r);
        for (int k = 0; k < perImage; k++) {
            List<String> words = words(order.get(k % TEMPLATES), s, r);
            if (words.size() + 2 > captionLength) {
                throw new IllegalStateException(words + " does not fit " + captionLength + " tokens");
            }
            int row = offset + k * captionLength;
            Arrays.fill(dst, row, row + captionLength, vocab.nullIdx());
            dst[row] = vocab.startIdx();
            for (int i = 0; i < words.size(); i++) {
                dst[row + 1 + i] = index(vocab, words.get(i));
            }
            dst[row + 1 + words.size()] = vocab.endIdx();
        }
    }

    /** Every word a caption can contain, rare ones included. */
    static Set<String> allWords() {
        Set<String> words = new TreeSet<>(Arrays.asList(FIXED_WORDS.split(" ")));
        words.addAll(Arrays.asList(SyntheticWorld.COLOURS));
        words.addAll(Arrays.asList(SyntheticWorld.OBJECTS));
        words.addAll(Arrays.asList(SyntheticWorld.OBJECT_PLURALS));
        for (String n : NUMBERS) {
            if (n != null) {
                words.add(n);
            }
        }
        for (String[] phrases : PLACE_PHRASES) {
            for (String p : phrases) {
                words.addAll(Arrays.asList(p.split(" ")));
            }
        }
        words.addAll(RARE_WORDS);
        return words;
    }

    private static int index(Vocabulary vocab, String word) {
        int i = vocab.index(word);
        if (i >= 0) {
            return i;
        }
        if (RARE_WORDS.contains(word)) {
            return vocab.unkIdx();
        }
        // A template word missing from allWords() is a bug here, not bad input.
        throw new IllegalStateException("synthetic caption word '" + word + "' is not in the vocabulary");
    }

    /** "a red dog" / "two red dogs", or without the colour "a dog" / "an umbrella" / "two dogs". */
    private static void nounPhrase(List<String> w, SyntheticScene s, boolean withColour) {
        String next = withColour ? s.colourWord() : noun(s);
        w.add(s.count() == 1 ? article(next) : NUMBERS[s.count()]);
        if (withColour) {
            w.add(s.colourWord());
        }
        w.add(noun(s));
    }

    private static String noun(SyntheticScene s) {
        return s.count() == 1 ? s.objectWord() : SyntheticWorld.OBJECT_PLURALS[s.object()];
    }

    private static String be(SyntheticScene s) {
        return s.count() == 1 ? "is" : "are";
    }

    private static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    private static void add(List<String> w, String phrase) {
        w.addAll(Arrays.asList(phrase.split(" ")));
    }
}
