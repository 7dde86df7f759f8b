package captioner.model;

import captioner.BadInputException;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each cs231n parameter lives in the one flat vector that holds them all, computed once per
 * config. Parameters, gradients and optimizer moments share this layout, so summing gradients is one
 * array add, broadcasting the model is one array, and an update rule is one loop.
 */
public final class ParamLayout {
    /** cs231n's parameter names, in the order they are laid out (and initialised). */
    public static final List<String> NAMES = List.of("W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab");

    /** A parameter's place: offset into the flat vector and shape. */
    public record Entry(String name, int offset, int[] shape) {
        public int size() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private final Map<String, Entry> entries;
    private final int size;

    public ParamLayout(ModelConfig c) {
        int g = c.cell().gates;
        int v = c.vocabSize();
        int h = c.hiddenDim();
        int[][] shapes = {
            {v, c.wordvecDim()}, {c.inputDim(), h}, {h}, {c.wordvecDim(), g * h}, {h, g * h}, {g * h}, {h, v}, {v},
        };
        Map<String, Entry> map = new LinkedHashMap<>();
        long offset = 0;
        for (int i = 0; i < NAMES.size(); i++) {
            Entry e = new Entry(NAMES.get(i), (int) offset, shapes[i]);
            map.put(e.name(), e);
            offset += e.size();
        }
        if (offset > Integer.MAX_VALUE - 8) {
            // The sizes come from flags or an --init file: the user can choose smaller ones.
            throw new BadInputException("a model of " + v + " words, W=" + c.wordvecDim() + ", H="
                    + h + " has " + offset + " parameters; at most " + (Integer.MAX_VALUE - 8)
                    + " fit in one array");
        }
        this.entries = Collections.unmodifiableMap(map);
        this.size = (int) offset;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; expected one of " + NAMES);
        }
        return e;
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** The view of parameter {@code name} inside {@code flat}. */
    public Tensor view(Tensor flat, String name) {
        Entry e = entry(name);
        return flat.view(e.offset(), e.shape());
    }

    /** A zeroed flat vector for this layout. */
    public Tensor zeros(DType dtype) {
        return Tensor.zeros(dtype, size);
    }
}
