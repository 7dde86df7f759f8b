package captioner.optim;

import captioner.BadInputException;
import captioner.tensor.DType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The update rules of cs231n's {@code optim.py}, by the names cs231n gives them ({@code sgd_momentum}, ...). */
public enum UpdateRuleType {
    SGD, SGD_MOMENTUM, RMSPROP, ADAM;

    /** The cs231n name, e.g. {@code sgd_momentum}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cs231n name: run.json and checkpoints spell the rule this way. */
    @Override
    public String toString() {
        return label();
    }

    /** A fresh rule of this type for {@code size} parameters of {@code dtype}. */
    public UpdateRule create(int size, DType dtype) {
        return switch (this) {
            case SGD -> new Sgd();
            case SGD_MOMENTUM -> new SgdMomentum(size, dtype);
            case RMSPROP -> new RmsProp(size, dtype);
            case ADAM -> new Adam(size, dtype);
        };
    }

    /** Parses a cs231n name; anything else names the accepted values. */
    public static UpdateRuleType parse(String s) {
        for (UpdateRuleType t : values()) {
            if (t.label().equals(s)) {
                return t;
            }
        }
        throw new BadInputException("unknown update rule '" + s + "'; expected one of " + choices());
    }

    /** The accepted names, comma-separated. */
    public static String choices() {
        return Arrays.stream(values()).map(UpdateRuleType::label).collect(Collectors.joining(", "));
    }
}
