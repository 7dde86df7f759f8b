package captioner.model;

import captioner.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.List;

/** Test files of {@code /params} as a PyTorch user's h5py writes a state_dict (no attributes, no vocabulary). */
public final class StateDictFile {
    private StateDictFile() {
    }

    /** Every parameter of {@code layout} but those in {@code skip}, with {@code transposed} (a matrix) transposed. */
    public static void write(Path file, ParamLayout layout, Tensor params, List<String> skip, String transposed) {
        try (WritableHdfFile f = HdfFile.write(file)) {
            WritableGroup g = f.putGroup("params");
            for (ParamLayout.Entry e : layout.entries()) {
                if (skip.contains(e.name())) {
                    continue;
                }
                double[] v = layout.view(params, e.name()).toDoubleArray();
                if (e.shape().length == 1) {
                    g.putDataset(e.name(), v);
                    continue;
                }
                int rows = e.shape()[0];
                int cols = e.shape()[1];
                boolean swap = e.name().equals(transposed);
                double[][] m = swap ? new double[cols][rows] : new double[rows][cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        if (swap) {
                            m[c][r] = v[r * cols + c];
                        } else {
                            m[r][c] = v[r * cols + c];
                        }
                    }
                }
                g.putDataset(e.name(), m);
            }
        }
    }
}
