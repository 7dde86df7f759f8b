package captioner.tensor;

import captioner.BadInputException;

import java.util.Locale;

/** Element type of parameters and activations: float32 trains, float64 checks gradients (as cs231n's {@code dtype}). */
public enum DType {
    FLOAT32, FLOAT64;

    /** The cs231n / numpy name: {@code float32} or {@code float64}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code float32} or {@code float64}; anything else names the accepted values. */
    public static DType parse(String s) {
        for (DType t : values()) {
            if (t.label().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new BadInputException("unknown dtype '" + s + "'; expected float32 or float64");
    }
}
