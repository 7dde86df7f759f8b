package captioner.train;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When local mode may schedule an iteration's job early: only where every task runs once, in job order. */
class LocalRoundsTest {

    @Test
    void schedulesAheadOnlyWithoutRetriesSpeculationOrFairScheduling() {
        assertEquals(true, ahead("local[2]", null, null));
        assertEquals(true, ahead("local[*]", null, null));
        assertEquals(true, ahead("local", null, null));
        assertEquals(false, ahead("local[2,2]", null, null));
        assertEquals(false, ahead("local[*,3]", null, null));
        assertEquals(false, ahead("local[2]", "true", null));
        assertEquals(false, ahead("local[2]", null, "FAIR"));
        assertEquals(true, ahead("local[2]", "false", "fifo"));
    }

    private static boolean ahead(String master, String speculation, String mode) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("rounds");
        if (speculation != null) {
            conf.set("spark.speculation", speculation);
        }
        if (mode != null) {
            conf.set("spark.scheduler.mode", mode);
        }
        return LocalRounds.schedulesAhead(master, conf);
    }
}
