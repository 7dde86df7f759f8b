package captioner.model;

import captioner.BadInputException;
import captioner.model.classify.ClassifierParams;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training state in one self-contained HDF5 file, readable by name from h5py:
 * <pre>
 * /params/&lt;name&gt;              each parameter in its shape (float32 or float64): cs231n's names for rnn and
 *                              lstm, PyTorch's state_dict names of cs231n's module for the transformer and of
 *                              seed 004's module for the classifier
 * /optimizer/&lt;state&gt;/&lt;name&gt;   the update rule's memory per parameter (Adam: m, v), same shapes
 * /optimizer/t                 Adam's step count (when the rule has one)
 * /vocab/idx_to_word           the vocabulary, word i at row i
 * /history/loss                the loss of every iteration so far
 * attributes on /              format, cell, update_rule, iteration, epoch, learning_rate, seed, config (JSON);
 *                              the transformer's heads, activation, dropout, max_length (not in the shapes);
 *                              checksum (SHA-256 of all the above, {@link ContentChecksum})
 * </pre>
 * Every read checks the checksum when the file has one (files from h5py or older versions have none), so a corrupt
 * or partial file is refused by name.
 * The sampling RNG is a pure function of (seed, iteration, partition), so seed and iteration are
 * its whole state. Files are written to a local path; callers move them into place atomically.
 */
public record Checkpoint(ModelSpec model, Vocabulary vocab, Tensor params, String updateRule,
                         Map<String, Tensor> optimizerState, long iteration, int epoch, double learningRate,
                         double[] lossHistory, long seed, String configJson) {

    public static final String FORMAT = "spark-captioner checkpoint 1";

    /** Writes this checkpoint to a new local file, with the checksum of its contents ({@link ContentChecksum}). */
    public void write(Path file) {
        ParamLayout layout = model.layout();
        ContentChecksum sum = new ContentChecksum();
        try (WritableHdfFile f = HdfFile.write(file)) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            if (model instanceof TransformerConfig t) {
                attributes.putAll(TransformerParams.settings(t));
            }
            attributes.put("format", FORMAT);
            attributes.put("cell", model.cell().label());
            attributes.put("update_rule", updateRule);
            attributes.put("iteration", iteration);
            attributes.put("epoch", (long) epoch);
            attributes.put("learning_rate", learningRate);
            attributes.put("seed", seed);
            attributes.put("config", configJson == null ? "{}" : configJson);
            attributes.forEach((name, value) -> {
                f.putAttribute(name, value);
                sum.attribute(name, value);
            });
            putLayout(f.putGroup("params"), "/params/", layout, params, sum);
            WritableGroup opt = f.putGroup("optimizer");
            for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) {
                if (e.getValue().size() == layout.size()) {
                    putLayout(opt.putGroup(e.getKey()), "/optimizer/" + e.getKey() + "/", layout, e.getValue(), sum);
                } else {
                    put(opt, "/optimizer/", e.getKey(), e.getValue().toDoubleArray(), sum);
                }
            }
            put(f.putGroup("vocab"), "/vocab/", "idx_to_word", vocab.words().toArray(new String[0]), sum);
            // jhdf cannot write an empty dataset; a fresh run's history starts with a NaN placeholder that reads skip.
            put(f.putGroup("history"), "/history/", "loss",
                    lossHistory.length == 0 ? new double[] {Double.NaN} : lossHistory, sum);
            f.putAttribute(ContentChecksum.ATTRIBUTE, sum.value());
        }
    }

    private static void putLayout(WritableGroup group, String path, ParamLayout layout, Tensor flat,
                                  ContentChecksum sum) {
        for (ParamLayout.Entry e : layout.entries()) {
            put(group, path, e.name(), javaArray(layout.view(flat, e.name())), sum);
        }
    }

    private static void put(WritableGroup group, String path, String name, Object data, ContentChecksum sum) {
        group.putDataset(name, data);
        sum.dataset(path + name, data);
    }

    /**
     * Reads the whole file at {@code file} and checks it against the checksum it must carry, as a run does with
     * each checkpoint it writes before older ones are deleted.
     *
     * @throws BadInputException naming {@code source} when the file is unreadable, has no checksum, or does not match
     */
    public static void verify(Path file, String source) {
        try (HdfFile f = new HdfFile(file)) {
            ContentChecksum.verify(f, source, true);
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new BadInputException(source + ": not a readable checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /** A float[] / double[] (rank 1) or float[][] / double[][] (rank 2) copy, the shapes jhdf writes. */
    private static Object javaArray(Tensor t) {
        boolean f32 = t.dtype() == DType.FLOAT32;
        double[] v = t.toDoubleArray();
        if (t.rank() == 1) {
            if (!f32) {
                return v;
            }
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) v[i];
            }
            return out;
        }
        int rows = t.dim(0);
        int cols = t.dim(1);
        Object out = f32 ? new float[rows][cols] : new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (f32) {
                    ((float[][]) out)[r][c] = (float) v[r * cols + c];
                } else {
                    ((double[][]) out)[r][c] = v[r * cols + c];
                }
            }
        }
        return out;
    }

    /** Reads a checkpoint written by {@link #write}; {@code source} names it in error messages. */
    public static Checkpoint read(Path file, String source, DType dtype) {
        try (HdfFile f = new HdfFile(file)) {
            ContentChecksum.verify(f, source, false);
            String format = stringAttribute(f, "format", source);
            if (!FORMAT.equals(format)) {
                throw new BadInputException(source + ": attribute 'format' is '" + format + "'; expected '" + FORMAT + "'");
            }
            List<String> words = Arrays.asList((String[]) values(dataset(f, "/vocab/idx_to_word", source), source, 0));
            Vocabulary vocab = ClassifierParams.holdsClassifier(f)
                    ? Vocabulary.sentenceWords(words, source + " /vocab/idx_to_word")
                    : new Vocabulary(words, source + " /vocab/idx_to_word");
            Params p = readParams(f, source, dtype, vocab, null);
            ParamLayout layout = p.config().layout();
            Map<String, Tensor> state = new LinkedHashMap<>();
            Node opt = f.getChild("optimizer");
            if (opt instanceof Group g) {
                for (Node child : g.getChildren().values()) {
                    if (child instanceof Group moments) {
                        Tensor flat = layout.zeros(dtype);
                        for (ParamLayout.Entry e : layout.entries()) {
                            copyInto(dataset(moments, e.name(), source), layout.view(flat, e.name()), source);
                        }
                        state.put(child.getName(), flat);
                    } else {
                        Dataset d = (Dataset) child;
                        state.put(child.getName(), Tensor.wrap(toDoubles(values(d, source, 8), source + " " + d.getPath())));
                    }
                }
            }
            double[] history = toDoubles(values(dataset(f, "/history/loss", source), source, 8),
                    source + " /history/loss");
            if (history.length == 1 && Double.isNaN(history[0])) {
                history = new double[0];
            }
            return new Checkpoint(p.config(), vocab, p.params(), stringAttribute(f, "update_rule", source), state,
                    longAttribute(f, "iteration", source), (int) longAttribute(f, "epoch", source),
                    ((Number) attribute(f, "learning_rate", source).getData()).doubleValue(), history,
                    longAttribute(f, "seed", source), stringAttribute(f, "config", source));
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new BadInputException(source + ": not a readable checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /** Parameters and the config their shapes imply. */
    public record Params(ModelSpec config, Tensor params) {
    }

    /**
     * Reads {@code /params/*} from any HDF5 file (a checkpoint, a final model, or one written by
     * h5py), inferring the cell and sizes from the shapes: Wh is H×H for rnn and H×4H for lstm.
     * Special tokens come from {@code vocab}, whose size must match W_embed's rows.
     */
    public static Params readParams(Path file, String source, DType dtype, Vocabulary vocab) {
        return readParams(file, source, dtype, vocab, null);
    }

    /**
     * As above; a file with {@code /params/embedding.weight} holds a transformer, whose settings that shapes cannot
     * tell come from {@code hints} (null: from the file's attributes only).
     */
    public static Params readParams(Path file, String source, DType dtype, Vocabulary vocab, TransformerSettings hints) {
        try (HdfFile f = new HdfFile(file)) {
            ContentChecksum.verify(f, source, false);
            return readParams(f, source, dtype, vocab, hints);
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new BadInputException(source + ": not a readable HDF5 file (" + e.getMessage() + ")", e);
        }
    }

    private static Params readParams(HdfFile f, String source, DType dtype, Vocabulary vocab,
                                     TransformerSettings hints) {
        if (ClassifierParams.holdsClassifier(f)) {
            ClassifierParams.Read read = ClassifierParams.read(f, source, dtype);
            if (read.config().vocabSize() != vocab.size()) {
                throw new BadInputException(source + ": /params/token_embeddings.weight has " + read.config().vocabSize()
                        + " rows (vocabulary size) but the data's vocabulary has " + vocab.size()
                        + " words; expected them to match");
            }
            return new Params(read.config(), read.params());
        }
        if (TransformerParams.holdsTransformer(f)) {
            return TransformerParams.read(f, source, dtype, vocab, hints);
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : ParamLayout.NAMES) {
            Dataset d = dataset(f, "/params/" + name, source);
            // Before the shapes size the parameter vector: an h5py file has no checksum that read it all first.
            DeclaredSize.require(d, source, d.getPath(), 8 * d.getSize());
            shapes.put(name, d.getDimensions());
        }
        int[] embed = shapes.get("W_embed");
        int[] proj = shapes.get("W_proj");
        int[] wh = shapes.get("Wh");
        if (embed.length != 2 || proj.length != 2 || wh.length != 2) {
            throw new BadInputException(source + ": /params/W_embed, W_proj and Wh must be matrices; got shapes "
                    + Arrays.toString(embed) + ", " + Arrays.toString(proj) + ", " + Arrays.toString(wh));
        }
        int h = wh[0];
        CellType cell = wh[1] == h ? CellType.RNN : wh[1] == 4 * h ? CellType.LSTM : null;
        if (cell == null) {
            throw new BadInputException(source + ": /params/Wh has shape " + Arrays.toString(wh)
                    + "; expected H×H (rnn) or H×4H (lstm)");
        }
        if (embed[0] != vocab.size()) {
            throw new BadInputException(source + ": /params/W_embed has " + embed[0] + " rows (vocabulary size) but the "
                    + "data's vocabulary has " + vocab.size() + " words; expected them to match");
        }
        ModelConfig config = ModelConfig.of(cell, vocab, proj[0], embed[1], h);
        ParamLayout layout = new ParamLayout(config);
        Tensor params = layout.zeros(dtype);
        for (ParamLayout.Entry e : layout.entries()) {
            int[] actual = shapes.get(e.name());
            if (!Arrays.equals(actual, e.shape())) {
                throw new BadInputException(source + ": /params/" + e.name() + " has shape " + Arrays.toString(actual)
                        + "; expected " + Arrays.toString(e.shape()) + " for a " + cell.label() + " with V=" + vocab.size()
                        + ", D=" + proj[0] + ", W=" + embed[1] + ", H=" + h);
            }
            copyInto(dataset(f, "/params/" + e.name(), source), layout.view(params, e.name()), source);
        }
        return new Params(config, params);
    }

    /** Copies a float32 or float64 dataset into {@code target}, refusing a wrong count or a non-finite value. */
    public static void copyInto(Dataset d, Tensor target, String source) {
        double[] v = toDoubles(values(d, source, 8), source + " " + d.getPath());
        if (v.length != target.size()) {
            throw new BadInputException(source + ": " + d.getPath() + " has " + v.length + " values; expected "
                    + target.size());
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new BadInputException(source + ": " + d.getPath() + " holds a non-finite value at flat index " + i);
            }
            target.set(i, v[i]);
        }
    }

    /**
     * {@code d}'s values as jhdf gives them (flat), once {@link DeclaredSize} found that they fit the file and the
     * heap; {@code copyBytesPerValue}: what the caller's copy takes per value (8 for {@link #toDoubles}).
     */
    static Object values(Dataset d, String source, int copyBytesPerValue) {
        DeclaredSize.require(d, source, d.getPath(), copyBytesPerValue * d.getSize());
        return d.getDataFlat();
    }

    private static double[] toDoubles(Object data, String where) {
        if (data instanceof float[] a) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (data instanceof double[] a) {
            return a;
        }
        throw new BadInputException(where + ": expected float32 or float64 values but got "
                + (data == null ? "nothing" : data.getClass().getSimpleName()));
    }

    static Dataset dataset(Group g, String path, String source) {
        Node n;
        try {
            n = g.getByPath(path);
        } catch (RuntimeException e) {
            n = null;
        }
        if (!(n instanceof Dataset d)) {
            throw new BadInputException(source + ": no dataset " + path + (path.startsWith("/params/")
                    ? "; expected /params/<name> for each of " + ParamLayout.NAMES : ""));
        }
        return d;
    }

    private static Attribute attribute(Node n, String name, String source) {
        Attribute a = n.getAttribute(name);
        if (a == null) {
            throw new BadInputException(source + ": no attribute '" + name + "' on /");
        }
        return a;
    }

    private static String stringAttribute(Node n, String name, String source) {
        return String.valueOf(attribute(n, name, source).getData());
    }

    private static long longAttribute(Node n, String name, String source) {
        return ((Number) attribute(n, name, source).getData()).longValue();
    }
}
