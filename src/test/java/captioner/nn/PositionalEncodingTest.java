package captioner.nn;

import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

class PositionalEncodingTest {

    @Test
    void tableAndSumMatchPyTorch() {
        TorchFixture f = TorchFixture.load("positional_encoding.json");
        Tensor x = f.tensor("x");
        PositionalEncoding encoding = new PositionalEncoding(x.dim(2), (int) f.number("maxLength"), DType.FLOAT64);
        f.assertClose("pe", encoding.table(), TorchFixture.PARITY);
        f.assertClose("out", encoding.forward(x), TorchFixture.PARITY);
        f.assertClose("out", new PositionalEncoding(x.dim(2), encoding.maxLength(), DType.FLOAT32)
                .forward(f.tensor("x", DType.FLOAT32)), 1e-6);
    }

    /** cs231n's published PositionalEncoding output: dropout 0.1 after the sum, with PyTorch's pattern. */
    @Test
    void reproducesCs231nPublishedOutput() {
        TorchFixture f = TorchFixture.load("cs231n.json");
        Tensor data = f.tensor("peData");
        Tensor sum = new PositionalEncoding(data.dim(2), 5000, DType.FLOAT64).forward(data);
        boolean[] pattern = f.flags("peKeep");
        DropoutMask replay = (p, keep, count) -> System.arraycopy(pattern, 0, keep, 0, count);
        Tensor out = new Dropout(f.number("dropout")).forward(sum, replay);
        f.assertClose("expectedPe", out.slice(0), f.number("tolerance"));
    }

    @Test
    void rejectsSequencesLongerThanTheTable() {
        PositionalEncoding encoding = new PositionalEncoding(4, 3, DType.FLOAT64);
        assertThrows(IllegalArgumentException.class, () -> encoding.forward(Tensor.zeros(DType.FLOAT64, 1, 4, 4)));
        assertThrows(IllegalArgumentException.class, () -> new PositionalEncoding(5, 3, DType.FLOAT64));
    }
}
