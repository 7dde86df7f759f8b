package captioner.cli;

import captioner.BadInputException;

import java.util.function.Function;

/** Where a flag's name joins a message from below {@code cli}, which names only the thing that is wrong. */
final class Flags {
    private Flags() {
    }

    /** {@code parser} applied to a flag's value; bad input comes back with the flag in front, e.g. "--cell: ...". */
    static <T> T parse(String flag, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (BadInputException e) {
            throw new BadInputException(flag + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #parse}, with null (the flag not given) staying null. */
    static <T> T parseOrNull(String flag, String value, Function<String, T> parser) {
        return value == null ? null : parse(flag, value, parser);
    }
}
