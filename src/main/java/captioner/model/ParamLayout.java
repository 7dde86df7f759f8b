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
 * Where each named parameter (cs231n's names for the RNN, PyTorch's state_dict names for the Transformer) lives in the one flat vector that holds them all, computed once per
 * config. Parameters, gradients and optimizer moments share this layout, so summing gradients is one
 * array add, broadcasting the model is one array, and an update rule is one loop.
 */
public final class ParamLayout {
    /** cs231n's CaptioningRNN parameter names, in the order they are laid out (and initialised). */
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
        this(rnnShapes(c), "a model of " + c.vocabSize() + " words, W=" + c.wordvecDim() + ", H=" + c.hiddenDim());
    }

    /**
     * The layout of any model family: {@code shapes} in layout (and initialisation) order.
     *
     * @param description names the model in the message when it has too many parameters for one array
     */
    public ParamLayout(Map<String, int[]> shapes, String description) {
        Map<String, Entry> map = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, int[]> s : shapes.entrySet()) {
            Entry e = new Entry(s.getKey(), (int) Math.min(offset, Integer.MAX_VALUE), s.getValue().clone());
            map.put(e.name(), e);
            offset += e.size();
        }
        if (offset > Integer.MAX_VALUE - 8) {
            // The sizes come from flags or an --init file: the user can choose smaller ones.
            throw new BadInputException(description + " has " + offset + " parameters; at most "
                    + (Integer.MAX_VALUE - 8) + " fit in one array");
        }
        this.entries = Collections.unmodifiableMap(map);
        this.size = (int) offset;
    }

    private static Map<String, int[]> rnnShapes(ModelConfig c) {
        int g = c.cell().gates;
        int v = c.vocabSize();
        int h = c.hiddenDim();
        int[][] shapes = {
            {v, c.wordvecDim()}, {c.inputDim(), h}, {h}, {c.wordvecDim(), g * h}, {h, g * h}, {g * h}, {h, v}, {v},
        };
        Map<String, int[]> map = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            map.put(NAMES.get(i), shapes[i]);
        }
        return map;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; expected one of " + entries.keySet());
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
