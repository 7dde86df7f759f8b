package captioner.train;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a resumed run: those in OUT/run.json, with the ones given explicitly on top. A setting given
 * explicitly must agree with the run unless it cannot change the result ({@link RunLayout.Run#FREE}) or is the run's
 * length ({@code epochs} or {@code iterations}), which may grow: iterations are a pure function of the state, so
 * a run resumed with a larger count ends exactly where one started with it would.
 */
public final class RunSettings {
    /** The settings that set how long a run is; giving one replaces the other. */
    static final List<String> LENGTH = List.of(RunLayout.Run.EPOCHS, RunLayout.Run.ITERATIONS);

    /**
     * A setting given explicitly that differs from the run's.
     *
     * @param key  its run.json key (the setting's name)
     * @param run  the run's value
     * @param given the value given now
     */
    public record Difference(String key, Object run, Object given) {
    }

    /** The resumed run's settings, or the differences that forbid resuming it. */
    public record Resumed(TrainConfig config, List<Difference> differences) {
    }

    private RunSettings() {
    }

    /** The settings in {@code out}/run.json, or empty when there is no run there. */
    public static Optional<TrainConfig> stored(String out, Configuration conf) {
        return new RunDirectory(out, conf).stored();
    }

    /**
     * The run's settings with the {@code explicit} ones (run.json keys) taken from {@code given}; resume is set.
     * Keys that are no setting are ignored.
     */
    public static Resumed resume(TrainConfig run, TrainConfig given, Collection<String> explicit) {
        Map<String, Object> mine = asMap(run);
        Map<String, Object> theirs = asMap(given);
        List<Difference> differ = new ArrayList<>();
        for (String key : explicit) {
            if (!mine.containsKey(key)) {
                continue;
            }
            if (LENGTH.contains(key)) {
                LENGTH.forEach(k -> mine.put(k, null));
                mine.put(key, theirs.get(key));
            } else if (RunLayout.Run.FREE.contains(key)) {
                mine.put(key, theirs.get(key));
            } else if (!String.valueOf(mine.get(key)).equals(String.valueOf(theirs.get(key)))) {
                differ.add(new Difference(key, mine.get(key), theirs.get(key)));
            }
        }
        mine.put(RunLayout.Run.RESUME, true);
        return new Resumed(RunLayout.JSON.convertValue(mine, TrainConfig.class), differ);
    }

    static Map<String, Object> asMap(TrainConfig c) {
        return new LinkedHashMap<>(RunLayout.JSON.convertValue(c, new TypeReference<Map<String, Object>>() { }));
    }
}
