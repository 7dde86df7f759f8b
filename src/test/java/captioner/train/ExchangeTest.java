package captioner.train;

import captioner.BadInputException;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a run's exchange is chosen and refused ({@link Exchange}); on a real cluster, the default's choice of the
 * reduce-scatter or the channel and a refusal that leaves no run directory are {@code StandaloneClusterTest}'s.
 */
class ExchangeTest {
    @TempDir
    Path tmp;

    private static final SparkTesting.Data DATA = SparkTesting.randomData(3, 40, 4, 15, 9, 12);

    @Test
    void explicitReduceScatterWithTooFewSlotsIsRefusedBeforeAnythingIsWritten() {
        // local[4] offers 4 task slots; 5 partitions' tasks cannot all run at once.
        Path out = tmp.resolve("run");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SparkTesting.spark().conf().set(Trainer.LOCAL_EXCHANGE, "false");
        SparkTesting.spark().conf().set(Exchange.SETTING, Exchange.REDUCE_SCATTER_VALUE);
        SparkTesting.spark().conf().set(Exchange.SLOTS_WAIT, "1s");
        try {
            BadInputException e = assertThrows(BadInputException.class, () -> new Trainer(SparkTesting.spark(),
                    TrainerTest.config(out.toString(), 2, false).toBuilder().partitions(5).build(),
                    SparkTesting.input(DATA, 5), new PrintStream(printed, true, StandardCharsets.UTF_8)).run());
            assertEquals("spark.captioner.exchange=reduce-scatter runs a task per partition at once, but the cluster "
                    + "offered 4 task slots for 5 partitions within 1 s (spark.captioner.exchange.slotsWait); give "
                    + "--partitions 4 or fewer, more executors or cores, or spark.captioner.exchange=channel",
                    e.getMessage());
        } finally {
            SparkTesting.spark().conf().unset(Trainer.LOCAL_EXCHANGE);
            SparkTesting.spark().conf().unset(Exchange.SETTING);
            SparkTesting.spark().conf().unset(Exchange.SLOTS_WAIT);
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("waiting up to 1 s for 5 task slots, one per "
                + "partition (the cluster offers 4)"), printed.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(out), "nothing of the run is written");
    }

    @Test
    void explicitReduceScatterIsRefusedWithSpeculationOrSecurityNamingTheSetting() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Exchange.refuse(new SparkConf(false).set("spark.speculation", "true"), false));
        assertTrue(e.getMessage().startsWith("spark.captioner.exchange=reduce-scatter cannot run with "
                + "spark.speculation=true: "), e.getMessage());
        for (String security : new String[] {"spark.authenticate", "spark.network.crypto.enabled", "spark.ssl.enabled"}) {
            e = assertThrows(BadInputException.class,
                    () -> Exchange.refuse(new SparkConf(false).set(security, "true"), false));
            assertEquals("spark.captioner.exchange=reduce-scatter cannot run with " + security + "=true: its "
                    + "executor-to-executor streams are neither authenticated nor encrypted; use "
                    + "spark.captioner.exchange=channel", e.getMessage());
        }
        Exchange.refuse(new SparkConf(false).set("spark.speculation", "false"), false);
    }

    @Test
    void theDefaultOnAClusterIsRuledOutBySpeculationSecurityOrTheBroadcastSetting() {
        SparkConf plain = new SparkConf(false);
        assertNull(Exchange.obstacle(plain, false, false, null, null), "nothing stands in the way");
        assertTrue(Exchange.obstacle(new SparkConf(false).set("spark.speculation", "true"), false, false, null, null)
                .startsWith("spark.speculation=true"));
        assertTrue(Exchange.obstacle(plain, false, false, null, "spark.authenticate")
                .startsWith("spark.authenticate=true"));
        assertEquals("asked for by spark.captioner.parameterChannel=false", Exchange.obstacle(plain, false, false,
                "asked for by spark.captioner.parameterChannel=false", null));
        assertTrue(Exchange.obstacle(plain, true, true, null, null).startsWith("local mode"));
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertEquals(90_000, Exchange.waitMillis("90s"));
        assertEquals(120_000, Exchange.waitMillis("2min"));
        BadInputException e = assertThrows(BadInputException.class, () -> Exchange.waitMillis("soon"));
        assertEquals("spark.captioner.exchange.slotsWait is 'soon'; expected a time such as 60s or 2min",
                e.getMessage());
        assertEquals(0, PeerServer.port(new SparkConf(false)));
        assertEquals(7100, PeerServer.port(new SparkConf(false).set(PeerServer.PORT, "7100")));
        for (String bad : new String[] {"any", "-1", "65536"}) {
            e = assertThrows(BadInputException.class,
                    () -> PeerServer.port(new SparkConf(false).set(PeerServer.PORT, bad)));
            assertEquals("spark.captioner.peerServer.port is '" + bad + "'; expected a port number 0-65535 (0, the "
                    + "default: any free one; N: N or the next free one up to spark.port.maxRetries ports on)",
                    e.getMessage());
        }
    }
}
