package captioner.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of the report page: axis ticks, the loss chart, escaping. */
class ReportPartsTest {

    @Test
    void linearTicksAreRoundAndCoverTheRange() {
        assertArrayEquals(new double[] {0, 10, 20, 30, 40}, LossCurve.ticks(0.5, 37), 1e-12);
        assertArrayEquals(new double[] {2.9, 3.0, 3.1, 3.2, 3.3}, LossCurve.ticks(2.9, 3.3), 1e-12);
    }

    @Test
    void logTicksAreOneTwoThreeFiveTimesPowersOfTenAroundTheRange() {
        // From the largest tick at most the low end to the smallest at least the high end.
        assertArrayEquals(new double[] {2, 3, 5, 10, 20, 30, 50}, LossCurve.logTicks(2.9, 37), 1e-12);
        assertArrayEquals(new double[] {3, 5, 10, 20, 30}, LossCurve.logTicks(3, 30), 1e-12);
        assertArrayEquals(new double[] {0.3, 0.5, 1}, LossCurve.logTicks(0.31, 0.9), 1e-12);
    }

    @Test
    void aFallingLossGetsALogAxisAndEveryPoint() {
        double[] it = {1, 2, 3, 4, 5, 6};
        String svg = LossCurve.svg(it, new double[] {40, 20, 8, 4, 3.5, 3.2});
        assertTrue(svg.startsWith("<svg") && svg.endsWith("</svg>"), svg);
        assertTrue(svg.contains("loss (log scale)"), svg);
        String flat = LossCurve.svg(it, new double[] {4, 3.9, 3.8, 3.7, 3.6, 3.5});
        assertTrue(flat.contains(">loss</text>") && !flat.contains("log scale"), flat);
        int start = flat.indexOf("points=\"") + 8;
        assertEquals(6, flat.substring(start, flat.indexOf('"', start)).trim().split(" ").length);
        assertTrue(LossCurve.svg(new double[0], new double[0]).contains("No training loss recorded"));
    }

    @Test
    void movingAverageUsesTheWindowSoFar() {
        assertArrayEquals(new double[] {2, 3, 5, 7}, LossCurve.movingAverage(new double[] {2, 4, 6, 8}, 2), 1e-12);
    }

    @Test
    void escapingCoversTextAndQuotedAttributes() {
        assertEquals("a &lt;UNK&gt; of &quot;x&quot; &amp; &#39;y&#39;", ReportPage.escape("a <UNK> of \"x\" & 'y'"));
    }
}
