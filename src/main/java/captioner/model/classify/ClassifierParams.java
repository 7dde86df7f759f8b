package captioner.model.classify;

import captioner.BadInputException;
import captioner.model.Checkpoint;
import captioner.model.ParamLayout;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A classifier's {@code /params} in an HDF5 file: the seed's {@code state_dict} names and PyTorch's layouts, so a
 * file h5py wrote from the seed's {@code model.state_dict()} reads here. Every size comes from the shapes — V and E
 * from {@code token_embeddings.weight}, L from {@code position_embeddings.weight}, Dk from {@code q1.weight}, Dv from
 * {@code v1.weight}, F from {@code W1.weight} — and the head count from the names {@code q1 … qH}.
 */
public final class ClassifierParams {
    private ClassifierParams() {
    }

    /** Parameters and the sizes their shapes imply. */
    public record Read(ClassifierConfig config, Tensor params) {
    }

    /** Whether {@code f} holds a classifier (its token embedding). */
    public static boolean holdsClassifier(HdfFile f) {
        return exists(f, ClassifierConfig.TOKENS);
    }

    /** Reads the file; {@code source} names it in messages (a flag and the path, say). */
    public static Read read(Path file, String source, DType dtype) {
        try (HdfFile f = new HdfFile(file)) {
            return read(f, source, dtype);
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            throw new BadInputException(source + ": not a readable HDF5 file (" + e.getMessage() + ")", e);
        }
    }

    public static Read read(HdfFile f, String source, DType dtype) {
        int[] tokens = matrix(f, ClassifierConfig.TOKENS, source);
        int[] positions = matrix(f, ClassifierConfig.POSITIONS, source);
        int heads = 0;
        while (exists(f, ClassifierConfig.head("q", heads + 1) + ".weight")) {
            heads++;
        }
        if (heads == 0) {
            throw new BadInputException(source + ": no dataset /params/q1.weight; expected a classifier's heads "
                    + "q1, k1, v1 … under /params");
        }
        int dimK = matrix(f, "q1.weight", source)[0];
        int dimV = matrix(f, "v1.weight", source)[0];
        int ffn = matrix(f, ClassifierConfig.W1 + ".weight", source)[0];
        ClassifierConfig config;
        try {
            config = new ClassifierConfig(tokens[0], tokens[1], heads, ffn, dimK, dimV, positions[0]);
        } catch (BadInputException e) {
            throw new BadInputException(source + ": " + e.getMessage(), e);
        }
        ParamLayout layout = config.layout();
        List<String> missing = new ArrayList<>();
        for (ParamLayout.Entry e : layout.entries()) {
            if (!exists(f, e.name())) {
                missing.add(e.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(source + ": " + missing.size() + " classifier parameter"
                    + (missing.size() == 1 ? " is" : "s are") + " missing under /params: " + String.join(", ", missing)
                    + "; expected every state_dict entry of a " + config.describe());
        }
        Tensor params = layout.zeros(dtype);
        for (ParamLayout.Entry e : layout.entries()) {
            Dataset d = (Dataset) f.getByPath(path(e.name()));
            if (!Arrays.equals(d.getDimensions(), e.shape())) {
                throw new BadInputException(source + ": " + path(e.name()) + " has shape "
                        + Arrays.toString(d.getDimensions()) + "; expected " + Arrays.toString(e.shape()) + " for a "
                        + config.describe());
            }
            Checkpoint.copyInto(d, layout.view(params, e.name()), source);
        }
        return new Read(config, params);
    }

    private static String path(String name) {
        return "/params/" + name;
    }

    private static int[] matrix(HdfFile f, String name, String source) {
        if (!exists(f, name)) {
            throw new BadInputException(source + ": no dataset " + path(name) + "; expected the classifier's "
                    + "state_dict entries under /params");
        }
        int[] s = ((Dataset) f.getByPath(path(name))).getDimensions();
        if (s.length != 2) {
            throw new BadInputException(source + ": " + path(name) + " has shape " + Arrays.toString(s)
                    + "; expected a matrix");
        }
        return s;
    }

    private static boolean exists(HdfFile f, String name) {
        try {
            return f.getByPath(path(name)) instanceof Dataset;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
