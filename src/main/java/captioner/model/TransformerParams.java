package captioner.model;

import captioner.BadInputException;
import captioner.nn.Activation;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transformer's {@code /params} in an HDF5 file: PyTorch's state_dict names and layouts of cs231n's
 * {@code CaptioningTransformer}, so a file h5py wrote from {@code model.state_dict()} reads here and ours loads in
 * PyTorch. W, D, V, F and L come from the shapes; heads, activation, dropout and the number of positions from the
 * root's attributes (our checkpoints) or the caller's {@link TransformerSettings}. {@code positional_encoding.pe},
 * a buffer computed from W and the positions, is ignored when present (its length gives the positions).
 */
final class TransformerParams {
    static final String HEADS = "heads";
    static final String ACTIVATION = "activation";
    static final String DROPOUT = "dropout";
    static final String MAX_LENGTH = "max_length";
    private static final String PE = "/params/positional_encoding.pe";

    private TransformerParams() {
    }

    static boolean holdsTransformer(HdfFile f) {
        return exists(f, "/params/embedding.weight");
    }

    /** The settings the shapes do not hold, written as attributes on the root. */
    static Map<String, Object> settings(TransformerConfig t) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(HEADS, (long) t.heads());
        settings.put(ACTIVATION, t.activation().label());
        settings.put(DROPOUT, t.dropout());
        settings.put(MAX_LENGTH, (long) t.maxLength());
        return settings;
    }

    static Checkpoint.Params read(HdfFile f, String source, DType dtype, Vocabulary vocab, TransformerSettings hints) {
        TransformerSettings h = hints == null ? new TransformerSettings(null, null, null, null) : hints;
        int[] embed = shape(f, "embedding.weight", source, 2);
        int[] proj = shape(f, "visual_projection.weight", source, 2);
        int w = embed[1];
        int layers = 0;
        while (exists(f, "/params/" + TransformerConfig.layer(layers) + "ffn.fc1.weight")) {
            layers++;
        }
        if (layers == 0) {
            throw new BadInputException(source + ": no dataset /params/" + TransformerConfig.layer(0)
                    + "ffn.fc1.weight; expected at least one decoder layer");
        }
        int ffn = shape(f, TransformerConfig.layer(0) + "ffn.fc1.weight", source, 2)[0];
        if (embed[0] != vocab.size()) {
            throw new BadInputException(source + ": /params/embedding.weight has " + embed[0] + " rows (vocabulary size) "
                    + "but the data's vocabulary has " + vocab.size() + " words; expected them to match");
        }
        Integer heads = h.heads() != null ? h.heads() : longAttribute(f, HEADS);
        if (heads == null) {
            throw new BadInputException(source + ": a transformer's attention heads cannot be read from its shapes and "
                    + "the file does not record them; give the number of heads");
        }
        Activation.Kind activation = f.getAttribute(ACTIVATION) != null
                ? Activation.Kind.parse(String.valueOf(f.getAttribute(ACTIVATION).getData()))
                : h.activation() != null ? h.activation() : TransformerConfig.DEFAULT_ACTIVATION;
        double dropout = h.dropout() != null ? h.dropout()
                : f.getAttribute(DROPOUT) != null ? ((Number) f.getAttribute(DROPOUT).getData()).doubleValue()
                : TransformerConfig.DEFAULT_DROPOUT;
        Integer maxLength = longAttribute(f, MAX_LENGTH);
        if (maxLength == null && exists(f, PE)) {
            int[] pe = Checkpoint.dataset(f, PE, source).getDimensions();
            maxLength = pe.length == 3 ? pe[1] : null;
        }
        if (maxLength == null) {
            maxLength = h.maxLength() != null ? h.maxLength() : TransformerConfig.DEFAULT_MAX_LENGTH;
        }
        TransformerConfig config;
        try {
            config = new TransformerConfig(vocab.size(), proj[1], w, ffn, layers, heads, activation, dropout, maxLength,
                    vocab.nullIdx(), vocab.startIdx(), vocab.endIdx());
        } catch (BadInputException e) {
            throw new BadInputException(source + ": " + e.getMessage(), e);
        }
        ParamLayout layout = config.layout();
        List<String> missing = new ArrayList<>();
        for (ParamLayout.Entry e : layout.entries()) {
            if (!exists(f, "/params/" + e.name())) {
                missing.add(e.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(source + ": " + missing.size() + " transformer parameter"
                    + (missing.size() == 1 ? " is" : "s are") + " missing under /params: " + String.join(", ", missing)
                    + "; expected every state_dict entry of a " + describe(config));
        }
        Tensor params = layout.zeros(dtype);
        for (ParamLayout.Entry e : layout.entries()) {
            Dataset d = Checkpoint.dataset(f, "/params/" + e.name(), source);
            if (!Arrays.equals(d.getDimensions(), e.shape())) {
                throw new BadInputException(source + ": /params/" + e.name() + " has shape "
                        + Arrays.toString(d.getDimensions()) + "; expected " + Arrays.toString(e.shape()) + " for a "
                        + describe(config));
            }
            Checkpoint.copyInto(d, layout.view(params, e.name()), source);
        }
        return new Checkpoint.Params(config, params);
    }

    private static String describe(TransformerConfig c) {
        return "transformer with V=" + c.vocabSize() + ", D=" + c.inputDim() + ", W=" + c.wordvecDim() + ", F="
                + c.ffnDim() + ", L=" + c.layers();
    }

    private static int[] shape(HdfFile f, String name, String source, int rank) {
        if (!exists(f, "/params/" + name)) {
            throw new BadInputException(source + ": no dataset /params/" + name + "; expected a transformer's "
                    + "state_dict entries under /params");
        }
        int[] s = Checkpoint.dataset(f, "/params/" + name, source).getDimensions();
        if (s.length != rank) {
            throw new BadInputException(source + ": /params/" + name + " has shape " + Arrays.toString(s)
                    + "; expected a matrix");
        }
        return s;
    }

    private static Integer longAttribute(Node n, String name) {
        Attribute a = n.getAttribute(name);
        return a == null ? null : ((Number) a.getData()).intValue();
    }

    private static boolean exists(HdfFile f, String path) {
        try {
            return f.getByPath(path) instanceof Dataset;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
