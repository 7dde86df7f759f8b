package captioner.train;

import captioner.model.CaptioningModel;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

/**
 * One model (with its activation buffers) and one gradient vector per executor thread, kept from
 * iteration to iteration, so a task allocates nothing once warmed up. A thread runs one task at a
 * time and Spark serializes a task's result before the thread takes another, so reuse is safe.
 */
final class ModelCache {
    private static final ThreadLocal<ModelCache> CACHE = new ThreadLocal<>();

    private final ModelConfig config;
    private final DType dtype;
    private final CaptioningModel model;
    private Tensor grads;

    private ModelCache(ModelConfig config, DType dtype, Tensor params) {
        this.config = config;
        this.dtype = dtype;
        this.model = new CaptioningModel(config, params);
    }

    /** This thread's model pointed at {@code params}. */
    static ModelCache forThread(ModelConfig config, DType dtype, Tensor params) {
        ModelCache c = CACHE.get();
        if (c == null || !c.config.equals(config) || c.dtype != dtype) {
            c = new ModelCache(config, dtype, params);
            CACHE.set(c);
        }
        c.model.setParams(params);
        return c;
    }

    CaptioningModel model() {
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
