package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.CellType;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
import captioner.tensor.Kernels;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distributed full-batch gradient equals the plain single-process one. */
class DistributedGradientTest {

    @ParameterizedTest
    @CsvSource({"1, 1", "3, 1", "4, 1", "4, 2", "7, 3"})
    void equalsSingleProcessGradient(int partitions, int depth) {
        SparkTesting.Data d = SparkTesting.randomData(3, 30, 3, 12, 7, 8);
        java.util.List<captioner.model.ModelSpec> specs = java.util.List.of(
                ModelConfig.of(CellType.RNN, d.vocab(), d.dim(), 6, 5), ModelConfig.of(CellType.LSTM, d.vocab(), d.dim(), 6, 5),
                // Dropout 0: the single-process loss has none.
                new captioner.model.TransformerConfig(d.vocab().size(), d.dim(), 6, 10, 2, 3,
                        captioner.nn.Activation.Kind.GELU, 0, 8, d.vocab().nullIdx(), d.vocab().startIdx(),
                        d.vocab().endIdx()));
        for (captioner.model.ModelSpec config : specs) {
            CellType cell = config.cell();
            captioner.model.TrainableModel plain = config.newModel(config.initialParams(DType.FLOAT64, 17));
            Tensor features = Tensor.zeros(DType.FLOAT64, d.numCaptions(), d.dim());
            for (int c = 0; c < d.numCaptions(); c++) {
                for (int j = 0; j < d.dim(); j++) {
                    features.set(c * d.dim() + j, d.features()[d.captionImage()[c] * d.dim() + j]);
                }
            }
            Tensor expected = plain.layout().zeros(DType.FLOAT64);
            double expectedLoss = plain.loss(features, d.captions(), d.length(), expected);

            JavaRDD<CaptionShard> shards = SparkTesting.shards(d, partitions);
            Broadcast<Object> params = JavaSparkContext.fromSparkContext(SparkTesting.spark().sparkContext())
                    .broadcast(plain.params().doubleStorage());
            PartialGradient sum = GradientSum.reduce(shards,
                    new PartitionGradient(params, config, DType.FLOAT64, null, true, 1, 0, null, -1), depth).sum();
            assertEquals(d.numCaptions(), sum.captions);
            assertEquals(expectedLoss, sum.lossSum / sum.captions, 1e-10 * expectedLoss);
            Tensor g = sum.gradient();
            double worst = 0;
            for (int i = 0; i < g.size(); i++) {
                double a = g.get(i) / sum.captions;
                double b = expected.get(i);
                worst = Math.max(worst, Math.abs(a - b) / Math.max(1e-12, Math.abs(a) + Math.abs(b)));
            }
            if (cell == CellType.TRANSFORMER) {
                // Entrywise relative differences reach 1e-9 on entries near 1e-8 (LayerNorm's cancellations round
                // differently when 1/N is applied after the sum): compare at the gradient's scale.
                Tensor mean = g.copy(DType.FLOAT64);
                Kernels.of(DType.FLOAT64).scale(mean, 1.0 / sum.captions);
                worst = captioner.model.GradientCheck.scaledError(mean, expected);
            }
            assertTrue(worst < 1e-10, cell + " with " + partitions + " partitions: relative difference " + worst);
        }
    }
}
