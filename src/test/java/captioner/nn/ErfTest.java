package captioner.nn;

import captioner.tensor.Erf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Erf} against python's {@code math.erf}/{@code math.erfc} (libm), committed in erf.json. */
class ErfTest {

    @Test
    void erfMatchesLibmToRoundoff() {
        TorchFixture f = TorchFixture.load("erf.json");
        double[] x = f.array("x");
        double[] erf = f.array("erf");
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double got = Erf.erf(x[i]);
            double err = erf[i] == 0 ? Math.abs(got) : Math.abs(got - erf[i]) / Math.abs(erf[i]);
            assertTrue(err <= 1.2e-15, "erf(" + x[i] + ") = " + got + ", libm " + erf[i] + ": relative " + err);
            worst = Math.max(worst, err);
        }
        assertTrue(worst > 0, "the fixture should exercise roundoff, not only exact values");
    }

    @Test
    void erfcKeepsRelativeAccuracyInTheTail() {
        TorchFixture f = TorchFixture.load("erf.json");
        double[] x = f.array("x");
        double[] erfc = f.array("erfc");
        for (int i = 0; i < x.length; i++) {
            double got = Erf.erfc(x[i]);
            if (x[i] >= 2 && erfc[i] > Double.MIN_NORMAL) {
                double err = Math.abs(got - erfc[i]) / erfc[i];
                assertTrue(err <= 4e-15, "erfc(" + x[i] + ") = " + got + ", libm " + erfc[i] + ": relative " + err);
            } else {
                assertEquals(erfc[i], got, 1.2e-15 * Math.max(1, erfc[i]), "erfc(" + x[i] + ")");
            }
        }
    }

    @Test
    void specialValues() {
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Erf.erf(-0.0)));
        assertEquals(0.5, Erf.normalCdf(0.0));
    }
}
