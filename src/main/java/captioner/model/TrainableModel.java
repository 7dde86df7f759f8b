package captioner.model;

import captioner.tensor.Tensor;

/**
 * A model as the training loop uses it: pointed at the iteration's parameters, it returns a batch's summed loss
 * and adds the gradient of that sum into a flat vector of its layout. An instance keeps the buffers of its last
 * batch, so it serves one thread at a time.
 */
public interface TrainableModel {
    ParamLayout layout();

    /** The flat parameter vector (shared, not a copy). */
    Tensor params();

    /** Points the model at another flat parameter vector, e.g. this iteration's broadcast. */
    void setParams(Tensor params);

    /**
     * The loss summed over the batch's rows (not averaged), adding its gradient into {@code grads} unless null.
     *
     * @param features      (N, D)
     * @param captions      N rows of {@code captionLength} word indices, row-major
     * @param dropout       the batch's dropout streams, or null for none (families without dropout ignore it)
     */
    double lossSum(Tensor features, int[] captions, int captionLength, Tensor grads, DropoutKeys dropout);

    /** cs231n's {@code loss}: as {@link #lossSum} without dropout, divided by the batch size N. */
    double loss(Tensor features, int[] captions, int captionLength, Tensor grads);
}
