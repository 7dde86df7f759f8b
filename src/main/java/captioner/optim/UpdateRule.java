package captioner.optim;

import captioner.BadInputException;
import captioner.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A first-order update rule of cs231n's {@code optim.py}, applied in place to the flat parameter
 * vector. Rules with memory (velocity, moving averages, Adam's step count) keep it in flat vectors
 * of the same layout, exposed by {@link #state()} so checkpoints can save and restore it.
 */
public abstract class UpdateRule {
    private final Map<String, Tensor> state = new LinkedHashMap<>();

    /** Which rule this is. */
    public abstract UpdateRuleType type();

    /** The cs231n name of this rule. */
    public final String name() {
        return type().label();
    }

    /** One step: {@code w} moves against gradient {@code dw} with step size {@code learningRate}. */
    public abstract void update(Tensor w, Tensor dw, double learningRate);

    /** The rule's memory by name (live views, not copies); empty for plain SGD. */
    public final Map<String, Tensor> state() {
        return state;
    }

    /**
     * Replaces the rule's memory with saved values; names and sizes must match {@link #state()}. The values come
     * from a checkpoint file, so a mismatch is bad input.
     */
    public final void restore(Map<String, Tensor> saved) {
        if (!saved.keySet().equals(state.keySet())) {
            throw new BadInputException(name() + " state: expected entries " + state.keySet() + " but got "
                    + saved.keySet());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor s = saved.get(e.getKey());
            if (s.size() != e.getValue().size()) {
                throw new BadInputException(name() + " state '" + e.getKey() + "': expected "
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
