package captioner.cli;

import captioner.BadInputException;

import java.util.Locale;

/** What a command works on: captioning images (the default) or seed 004's sentence classification. */
enum Task {
    CAPTION, CLASSIFY;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Task parse(String s) {
        for (Task t : values()) {
            if (t.label().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new BadInputException("unknown task '" + s + "'; expected caption or classify");
    }
}
