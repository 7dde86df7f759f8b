package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static captioner.TestTensors.assertGradient;
import static captioner.TestTensors.assertRelError;
import static captioner.TestTensors.linspace;
import static captioner.TestTensors.randn;
import static captioner.model.GradientCheck.numericGradientArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordEmbeddingTest {

    @Test
    void forwardReproducesCs231n() {
        int v = 5, d = 3;
        int[] x = {0, 3, 1, 2, 2, 1, 0, 3};
        Tensor w = linspace(0, 1, v, d);
        Tensor out = new WordEmbedding().forward(x, w);
        Tensor expected = Tensor.of(DType.FLOAT64, new double[] {
            0., 0.07142857, 0.14285714, 0.64285714, 0.71428571, 0.78571429,
            0.21428571, 0.28571429, 0.35714286, 0.42857143, 0.5, 0.57142857,
            0.42857143, 0.5, 0.57142857, 0.21428571, 0.28571429, 0.35714286,
            0., 0.07142857, 0.14285714, 0.64285714, 0.71428571, 0.78571429}, 8, d);
        assertRelError(expected, out, 1e-7, "out");
    }

    @Test
    void backwardMatchesNumericGradientsWithRepeatedWords() {
        Random rng = new Random(231);
        int n = 50, t = 3, v = 5, d = 6;
        int[] x = new int[n * t];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(v);
        }
        Tensor w = randn(rng, v, d);
        WordEmbedding layer = new WordEmbedding();
        Tensor dout = randn(rng, layer.forward(x, w).shape());
        Tensor dw = Tensor.zeros(DType.FLOAT64, v, d);
        layer.backward(dout, dw);
        WordEmbedding probe = new WordEmbedding();
        assertGradient(numericGradientArray(() -> probe.forward(x, w), w, dout, 1e-5), dw, 1e-11, "dW");
    }

    @Test
    void repeatedIndexAccumulates() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 3, 2);
        WordEmbedding layer = new WordEmbedding();
        layer.forward(new int[] {1, 1, 1}, w);
        Tensor dw = Tensor.zeros(DType.FLOAT64, 3, 2);
        layer.backward(Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 3, 2), dw);
        assertEquals(9, dw.get(2));
        assertEquals(12, dw.get(3));
        assertEquals(0, dw.get(0));
    }

    @Test
    void indexOutsideVocabularyIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WordEmbedding().forward(new int[] {0, 5}, Tensor.zeros(DType.FLOAT64, 5, 2)));
        assertTrue(e.getMessage().contains("word index 5 at position 1") && e.getMessage().contains("[0, 5)"), e.getMessage());
    }
}
