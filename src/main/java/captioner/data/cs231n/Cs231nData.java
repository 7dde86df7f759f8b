package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.model.Vocabulary;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link Cs231nReader} loaded: the vocabulary and the splits that were asked for and present. */
public final class Cs231nData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final FeatureKind featureKind;
    private final Vocabulary vocab;
    private final Map<String, CaptionSplit> splits;

    public Cs231nData(String source, FeatureKind featureKind, Vocabulary vocab, Map<String, CaptionSplit> splits) {
        this.source = source;
        this.featureKind = featureKind;
        this.vocab = vocab;
        this.splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }

    /** The directory or URI the data came from. */
    public String source() {
        return source;
    }

    public FeatureKind featureKind() {
        return featureKind;
    }

    public Vocabulary vocab() {
        return vocab;
    }

    /** The loaded split names, train before val. */
    public List<String> splitNames() {
        return List.copyOf(splits.keySet());
    }

    public boolean hasSplit(String name) {
        return splits.containsKey(name);
    }

    /**
     * @param name "train" or "val"
     * @throws BadInputException if the directory has no such split (e.g. a captions file without
     *         {@code val_captions}) or it was not asked for when reading
     */
    public CaptionSplit split(String name) {
        CaptionSplit s = splits.get(name);
        if (s == null) {
            throw new BadInputException(source + ": no '" + name + "' split was loaded ("
                    + (Cs231nLayout.SPLITS.contains(name)
                        ? Cs231nLayout.CAPTIONS_FILE + " has no dataset " + Cs231nLayout.captionsDataset(name)
                            + ", or it was not asked for"
                        : "unknown split name")
                    + "); loaded splits: " + splits.keySet());
        }
        return s;
    }

    public CaptionSplit train() {
        return split(Cs231nLayout.TRAIN);
    }

    public CaptionSplit val() {
        return split(Cs231nLayout.VAL);
    }

    @Override
    public String toString() {
        return source + " (" + featureKind + ", vocabulary " + vocab.size() + "): " + splits.values();
    }
}
