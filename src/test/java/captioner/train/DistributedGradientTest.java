package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.CaptioningModel;
import captioner.model.CellType;
import captioner.model.ModelConfig;
import captioner.tensor.DType;
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
        for (CellType cell : CellType.values()) {
            ModelConfig config = ModelConfig.of(cell, d.vocab(), d.dim(), 6, 5);
            CaptioningModel plain = CaptioningModel.initialized(config, DType.FLOAT64, 17);
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
            assertTrue(worst < 1e-10, cell + " with " + partitions + " partitions: relative difference " + worst);
        }
    }
}
