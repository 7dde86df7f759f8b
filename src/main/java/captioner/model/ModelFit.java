package captioner.model;

import captioner.BadInputException;

import java.util.List;

/** The one check that a model fits the data it is given: the same vocabulary, word for word, and feature width. */
public final class ModelFit {
    private ModelFit() {
    }

    /**
     * Refuses data whose vocabulary or feature width differs from the model's.
     *
     * @param modelName how messages name the model, e.g. "--checkpoint runs/x/model.h5"
     * @param dataName  how messages name the data, e.g. "--data ~/coco" or "the embedded default dataset"
     */
    public static void check(String modelName, Vocabulary modelVocab, ModelSpec model, String dataName,
                             Vocabulary dataVocab, int featureDim) {
        List<String> mine = modelVocab.words();
        List<String> theirs = dataVocab.words();
        if (!mine.equals(theirs)) {
            int i = 0;
            while (i < Math.min(mine.size(), theirs.size()) && mine.get(i).equals(theirs.get(i))) {
                i++;
            }
            String where = i < Math.min(mine.size(), theirs.size())
                    ? "; word " + i + " is '" + mine.get(i) + "' in the model and '" + theirs.get(i) + "' in the data"
                    : "";
            throw new BadInputException(modelName + ": the model's vocabulary (" + mine.size() + " words) differs from "
                    + "that of " + dataName + " (" + theirs.size() + " words)" + where + "; expected the data the model "
                    + "was trained on");
        }
        if (model.inputDim() != featureDim) {
            throw new BadInputException(modelName + ": the model takes features of width " + model.inputDim()
                    + (model.cell().recurrent() ? " (W_proj)" : " (visual_projection.weight)") + " but " + dataName + " has features of width " + featureDim + "; expected the features "
                    + "the model was trained on");
        }
    }
}
