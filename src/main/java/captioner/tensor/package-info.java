/**
 * Arrays and the arithmetic on them: {@link captioner.tensor.Tensor}, a shaped view over one float[] or double[],
 * and one {@link captioner.tensor.Kernels} backend per {@link captioner.tensor.DType}, so layers are written once
 * and the dtype is a choice of backend. Matrix products go to the system BLAS through netlib
 * ({@link captioner.tensor.Blas}); float32 sigmoid, tanh and exp run on the incubating Vector API when the JVM has
 * it ({@link captioner.tensor.FloatMath}), with a scalar path of identical bits otherwise.
 *
 * <p>Imports nothing of ours but the root package; no Spark, no Hadoop.
 */
package captioner.tensor;
