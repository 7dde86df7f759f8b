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
    public final void update(Tensor w, Tensor dw, double learningRate) {
        update(w, dw, learningRate, 0, w.size());
    }

    /**
     * One step on elements {@code [from, from + length)} only, of {@code w}, {@code dw} and this rule's memory (all of
     * the full size); the rest stays as it is. The rules are elementwise, so these elements get the bits a whole step
     * would give them: a reduce-scatter owner updates its slice this way. Step counts (Adam's t) advance by one, as
     * for a whole step.
     */
    public abstract void update(Tensor w, Tensor dw, double learningRate, int from, int length);

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

    /** The elements {@code [from, from + length)} of a flat vector: what a ranged {@link #update} touches. */
    protected static Tensor range(Tensor t, int from, int length) {
        return t.view(from, length);
    }

    /** Registers a memory vector; subclasses call this once per vector at construction. */
    protected final Tensor remember(String name, Tensor zeros) {
        state.put(name, zeros);
        return zeros;
    }
}
