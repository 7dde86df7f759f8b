package captioner.train;

import captioner.model.ModelSpec;
import captioner.model.TrainableModel;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

/**
 * One model (with its activation buffers) and one gradient vector per executor thread, kept from
 * iteration to iteration, so a task allocates nothing once warmed up. A thread runs one task at a
 * time and Spark serializes a task's result before the thread takes another, so reuse is safe.
 */
final class ModelCache {
    private static final ThreadLocal<ModelCache> CACHE = new ThreadLocal<>();

    private final ModelSpec config;
    private final DType dtype;
    private final TrainableModel model;
    private Tensor grads;

    private ModelCache(ModelSpec config, DType dtype, Tensor params) {
        this.config = config;
        this.dtype = dtype;
        this.model = config.newModel(params);
    }

    /** This thread's model pointed at {@code params}. */
    static ModelCache forThread(ModelSpec config, DType dtype, Tensor params) {
        ModelCache c = CACHE.get();
        if (c == null || !c.config.equals(config) || c.dtype != dtype) {
            c = new ModelCache(config, dtype, params);
            CACHE.set(c);
        }
        c.model.setParams(params);
        return c;
    }

    TrainableModel model() {
        return model;
    }

    /** This thread's gradient vector, zeroed (allocated on first use: local mode sums elsewhere). */
    Tensor zeroedGrads() {
        if (grads == null) {
            grads = model.layout().zeros(dtype);
        } else {
            grads.fill(0);
        }
        return grads;
    }
}
