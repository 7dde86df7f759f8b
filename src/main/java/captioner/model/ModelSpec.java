package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.io.Serializable;

/**
 * What the trainer, its tasks and checkpoints need to know of a model family's description: its flat
 * parameter layout (named views), cs231n's initialisation, and how to build a model over a parameter
 * vector. {@link ModelConfig} describes cs231n's CaptioningRNN (rnn, lstm), {@link TransformerConfig} its
 * CaptioningTransformer. Implementations are immutable values (a task's cache compares them with
 * {@code equals}) and serializable (they travel in each Spark task).
 */
public interface ModelSpec extends Serializable {
    /** The family: rnn, lstm or transformer. */
    CellType cell();

    /** V. */
    int vocabSize();

    /** D, the image feature width. */
    int inputDim();

    /** Where each named parameter lives in the flat vector. */
    ParamLayout layout();

    /** cs231n's initialisation, drawn from {@code seed}. */
    Tensor initialParams(DType dtype, long seed);

    /** A model over {@code params} (flat, {@code layout().size()} long); no copy. */
    TrainableModel newModel(Tensor params);

    /** The sizes for progress lines, e.g. {@code lstm (V=1004, D=512, W=256, H=512}, without the closing parenthesis. */
    String summary();
}
