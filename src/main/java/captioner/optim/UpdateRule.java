package captioner.optim;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first-order update rule of cs231n's {@code optim.py}, applied in place to the flat parameter
 * vector. Rules with memory (velocity, moving averages, Adam's step count) keep it in flat vectors
 * of the same layout, exposed by {@link #state()} so checkpoints can save and restore it.
 */
public abstract class UpdateRule {
    /** The names {@code --update-rule} accepts, as cs231n spells them. */
    public static final List<String> NAMES = List.of("sgd", "sgd_momentum", "rmsprop", "adam");

    private final Map<String, Tensor> state = new LinkedHashMap<>();

    /** A fresh rule {@code name} for {@code size} parameters of {@code dtype}. */
    public static UpdateRule create(String name, int size, DType dtype) {
        return switch (name) {
            case "sgd" -> new Sgd();
            case "sgd_momentum" -> new SgdMomentum(size, dtype);
            case "rmsprop" -> new RmsProp(size, dtype);
            case "adam" -> new Adam(size, dtype);
            default -> throw new IllegalArgumentException("unknown update rule '" + name + "'; expected one of "
                    + String.join(", ", NAMES));
        };
    }

    /** The cs231n name of this rule. */
    public abstract String name();

    /** One step: {@code w} moves against gradient {@code dw} with step size {@code learningRate}. */
    public abstract void update(Tensor w, Tensor dw, double learningRate);

    /** The rule's memory by name (live views, not copies); empty for plain SGD. */
    public final Map<String, Tensor> state() {
        return state;
    }

    /** Replaces the rule's memory with saved values; names and sizes must match {@link #state()}. */
    public final void restore(Map<String, Tensor> saved) {
        if (!saved.keySet().equals(state.keySet())) {
            throw new IllegalArgumentException(name() + " state: expected entries " + state.keySet() + " but got "
                    + saved.keySet());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor s = saved.get(e.getKey());
            if (s.size() != e.getValue().size()) {
                throw new IllegalArgumentException(name() + " state '" + e.getKey() + "': expected "
                        + e.getValue().size() + " values but got " + s.size() + " " + Arrays.toString(s.shape()));
            }
            e.getValue().copyFrom(s);
        }
    }

    /** Registers a memory vector; subclasses call this once per vector at construction. */
    protected final Tensor remember(String name, Tensor zeros) {
        state.put(name, zeros);
        return zeros;
    }
}
