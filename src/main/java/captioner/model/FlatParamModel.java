package captioner.model;

import captioner.tensor.DType;
import captioner.tensor.Shapes;
import captioner.tensor.Tensor;

/**
 * What every model over one flat parameter vector shares: its {@link ParamLayout}, the vector it currently points
 * at (shared with the caller, never copied: the iteration's broadcast, a checkpoint's parameters) and the named
 * views into it. The families add their layers and arithmetic.
 */
public abstract class FlatParamModel implements TrainableModel {
    /** Where each named parameter (and its gradient) lives in a flat vector. */
    protected final ParamLayout layout;
    private Tensor params;

    /** @param params flat, {@code layout.size()} long; not copied */
    protected FlatParamModel(ParamLayout layout, Tensor params) {
        this.layout = layout;
        setParams(params);
    }

    @Override
    public final ParamLayout layout() {
        return layout;
    }

    /** The flat parameter vector (shared, not a copy). */
    @Override
    public final Tensor params() {
        return params;
    }

    /** Points the model at another flat parameter vector, e.g. this iteration's broadcast. */
    @Override
    public final void setParams(Tensor params) {
        Shapes.require("params", params, layout.size());
        this.params = params;
    }

    /** The dtype of the parameters, which inputs must have. */
    public final DType dtype() {
        return params.dtype();
    }

    /** The view of parameter {@code name}. */
    public final Tensor param(String name) {
        return layout.view(params, name);
    }
}
