package captioner.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/** Test captions written as space-separated tokens. */
final class Tokens {
    private Tokens() {
    }

    static String[] t(String caption) {
        return caption.isEmpty() ? new String[0] : caption.split(" ");
    }

    static List<String[]> refs(String... captions) {
        List<String[]> out = new ArrayList<>();
        for (String c : captions) {
            out.add(t(c));
        }
        return out;
    }
}
