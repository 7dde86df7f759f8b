package captioner.eval.classify;

import captioner.data.classify.SentenceSplit;
import captioner.nn.BinaryCrossEntropy;
import captioner.tensor.Tensor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code predict}'s JSON lines, one per sentence in split order: {@code index} (the row), {@code score} σ(z),
 * {@code predicted} (1 when the score is at least 0.5), {@code label} when the split has labels, and
 * {@code sentence}: the words of the row without padding and markers — bracketed PAD, CLS, SEP, NULL, START or
 * END in any case ({@code <PAD>}, {@code [CLS]}, …), since the seed's files do not say which indices are special;
 * an unknown-word token stays.
 */
public final class SentencePredictions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SentencePredictions() {
    }

    /** The lines (each ending in a newline) for {@code split} scored by {@code logits} (N,). */
    public static String lines(SentenceSplit split, Tensor logits, List<String> words, boolean labelled) {
        StringBuilder out = new StringBuilder();
        int t = split.length();
        for (int i = 0; i < split.size(); i++) {
            Map<String, Object> line = new LinkedHashMap<>();
            double score = BinaryCrossEntropy.sigmoid(logits.get(i));
            line.put("index", i);
            line.put("score", score);
            line.put("predicted", logits.get(i) >= 0 ? 1 : 0);
            if (labelled) {
                line.put("label", split.labels()[i]);
            }
            line.put("sentence", decode(split.tokens(), i * t, t, words));
            try {
                out.append(JSON.writeValueAsString(line)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** The row's words joined by spaces, padding and markers left out. */
    public static String decode(int[] tokens, int offset, int length, List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < length; s++) {
            String w = words.get(tokens[offset + s]);
            if (special(w)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(w);
        }
        return sb.toString();
    }

    private static final java.util.Set<String> MARKERS = java.util.Set.of("pad", "cls", "sep", "null", "start", "end");

    private static boolean special(String w) {
        boolean bracketed = w.length() > 2 && (w.startsWith("<") && w.endsWith(">") || w.startsWith("[") && w.endsWith("]"));
        return bracketed && MARKERS.contains(w.substring(1, w.length() - 1).toLowerCase(java.util.Locale.ROOT));
    }
}
