package captioner.data.cs231n;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.TrainingSubset;
import captioner.data.VocabularyJson;
import captioner.io.LocalFile;
import captioner.model.Vocabulary;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a cs231n COCO directory (see {@link Cs231nLayout}) into primitive arrays, checking everything a user could
 * get wrong and reporting it as a {@link BadInputException} that names the file, the dataset and the first bad row.
 *
 * <p>Splits are loaded eagerly, so bad data shows before any training starts. Without an explicit list, train is
 * required and val is loaded when the captions file has {@code val_captions}; a directory without it loads fine
 * and {@link Cs231nData#split}("val") then explains that val is absent. With an explicit list, a missing split is
 * an error at once.
 *
 * <p>Dtypes: captions and image indices may be any HDF5 integer type (int32 as cs231n writes them, also int64,
 * int8/16 and uint8..uint64 as h5py may write them); values are range-checked and held as {@code int}. Features
 * must be floating point: float32 (or float16) as is, float64 narrowed to float32. Any layout and filter jhdf reads
 * is fine; contiguous and chunked files with gzip, shuffle and fletcher32, in the old and the latest HDF5 format,
 * are tested. Caption length T may be any
 * value from 2 (cs231n: 17) but must be the same in every split; feature width likewise.
 *
 * <p>Where the directory lives: plain paths and {@code file:} URIs are read in place; other URIs go through Hadoop's
 * {@code FileSystem} with the given configuration, and each HDF5 file is copied to a temporary local file
 * (java.io.tmpdir, deleted after reading) because jhdf needs a local file. Memory: COCO with PCA features needs
 * about 0.4 GB of arrays (train features 82,783 × 512 floats = 170 MB); fc7 about 2.1 GB.
 */
public final class Cs231nReader {
    private Cs231nReader() {
    }

    /** Reads train, and val when present. See {@link #read(String, Configuration, FeatureKind, Integer, long, Collection)}. */
    public static Cs231nData read(String dirOrUri, Configuration conf, FeatureKind kind, Integer maxTrain, long seed) {
        return read(dirOrUri, conf, kind, maxTrain, seed, null);
    }

    /**
     * @param dirOrUri a local path, {@code file:} URI or any Hadoop file system URI
     * @param conf     Hadoop configuration for non-local URIs; null means a default one
     * @param kind     which features files to read
     * @param maxTrain keep this many training captions, drawn without replacement by {@link TrainingSubset};
     *                 null keeps all
     * @param seed     seed of that draw
     * @param splits   the splits to load ("train", "val"); null means train plus val if present
     */
    public static Cs231nData read(String dirOrUri, Configuration conf, FeatureKind kind, Integer maxTrain, long seed,
                                  Collection<String> splits) {
        if (splits != null) {
            for (String s : splits) {
                if (!Cs231nLayout.SPLITS.contains(s)) {
                    throw new BadInputException("split '" + s + "' is unknown; expected one of " + Cs231nLayout.SPLITS);
                }
            }
        }
        Cs231nDirectory dir = Cs231nDirectory.open(dirOrUri, conf);
        Vocabulary vocab = readVocabulary(dir);
        Map<String, SplitCaptions> captions = readCaptions(dir, vocab, splits);

        Map<String, CaptionSplit> loaded = new LinkedHashMap<>();
        String firstFeatures = null;
        int featureDim = -1;
        for (SplitCaptions c : captions.values()) {
            String featuresFile = kind.fileName(c.split);
            float[] features;
            int numImages;
            try (LocalFile f = dir.localFile(featuresFile); Hdf5Input h5 = Hdf5Input.open(f)) {
                long[] dims = h5.shape(Cs231nLayout.FEATURES_DATASET, 2, "(num_images, " + kind.cocoWidth() + ")");
                if (dims[0] < 1 || dims[1] < 1) {
                    throw new BadInputException(f.displayName() + ": dataset 'features' has shape (" + dims[0] + ", "
                            + dims[1] + "); expected at least one image and one feature");
                }
                if (featureDim >= 0 && dims[1] != featureDim) {
                    throw new BadInputException(f.displayName() + ": dataset 'features' has " + dims[1]
                            + " features per image but " + firstFeatures + " has " + featureDim
                            + "; expected every split to have the same feature width");
                }
                numImages = (int) dims[0];
                featureDim = (int) dims[1];
                firstFeatures = f.displayName();
                // Check indices against the image count before spending time on the features themselves.
                Hdf5Input.requireInRange(c.captionsFile, Cs231nLayout.imageIdxsDataset(c.split), c.imageIdxs, 1,
                        numImages, "an image index", "a row of 'features' in " + f.displayName());
                features = h5.readFeatures(Cs231nLayout.FEATURES_DATASET, featureDim);
            }
            String[] urls = readUrls(dir, c.split, numImages, kind.fileName(c.split));
            loaded.put(c.split, new CaptionSplit(c.split, c.captions, c.captionLength, c.imageIdxs, features,
                    featureDim, urls));
        }
        CaptionSplit train = loaded.get(Cs231nLayout.TRAIN);
        if (maxTrain != null && train != null) {
            loaded.put(Cs231nLayout.TRAIN, TrainingSubset.apply(train, maxTrain, seed));
        }
        return new Cs231nData(dir.describe(), kind, vocab, loaded);
    }

    /**
     * The splits whose captions the directory's {@code coco2014_captions.h5} holds, train before val, without
     * reading any data: lets a caller load one split at a time. Train is always listed, so reading it explains a
     * captions file without it.
     */
    public static List<String> splitsPresent(String dirOrUri, Configuration conf) {
        Cs231nDirectory dir = Cs231nDirectory.open(dirOrUri, conf);
        List<String> present = new ArrayList<>();
        try (LocalFile f = dir.localFile(Cs231nLayout.CAPTIONS_FILE); Hdf5Input h5 = Hdf5Input.open(f)) {
            for (String s : Cs231nLayout.SPLITS) {
                if (s.equals(Cs231nLayout.TRAIN) || h5.has(Cs231nLayout.captionsDataset(s))
                        || h5.has(Cs231nLayout.imageIdxsDataset(s))) {
                    present.add(s);
                }
            }
        }
        return present;
    }

    private static Vocabulary readVocabulary(Cs231nDirectory dir) {
        String name = dir.describe(Cs231nLayout.VOCAB_FILE);
        if (!dir.exists(Cs231nLayout.VOCAB_FILE)) {
            throw new BadInputException(name + ": no such file; expected the cs231n vocabulary "
                    + "{\"idx_to_word\": [...], \"word_to_idx\": {...}}");
        }
        try (InputStream in = dir.open(Cs231nLayout.VOCAB_FILE)) {
            return VocabularyJson.read(in, name);
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read (" + e + ")", e);
        }
    }

    /** The captions of one split, checked against the vocabulary; image indices are checked later. */
    private record SplitCaptions(String split, String captionsFile, int[] captions, int captionLength,
                                 int[] imageIdxs) {
    }

    private static Map<String, SplitCaptions> readCaptions(Cs231nDirectory dir, Vocabulary vocab,
                                                           Collection<String> wanted) {
        Map<String, SplitCaptions> out = new LinkedHashMap<>();
        try (LocalFile f = dir.localFile(Cs231nLayout.CAPTIONS_FILE); Hdf5Input h5 = Hdf5Input.open(f)) {
            List<String> splits = new ArrayList<>();
            for (String s : Cs231nLayout.SPLITS) {
                boolean present = h5.has(Cs231nLayout.captionsDataset(s)) || h5.has(Cs231nLayout.imageIdxsDataset(s));
                // Train is always required by default; val only when the file has it. shape() below explains
                // whatever is missing.
                if (wanted == null ? s.equals(Cs231nLayout.TRAIN) || present : wanted.contains(s)) {
                    splits.add(s);
                }
            }
            // Check every shape before reading any data, so a mismatch costs no time.
            int captionLength = -1;
            String lengthFrom = null;
            long[] numCaptions = new long[splits.size()];
            for (int k = 0; k < splits.size(); k++) {
                String capName = Cs231nLayout.captionsDataset(splits.get(k));
                String idxName = Cs231nLayout.imageIdxsDataset(splits.get(k));
                long[] cap = h5.shape(capName, 2, "(num_captions, " + Cs231nLayout.COCO_CAPTION_LENGTH + ")");
                long[] idx = h5.shape(idxName, 1, "(num_captions,)");
                if (cap[0] < 1) {
                    throw new BadInputException(f.displayName() + ": dataset '" + capName + "' has no captions (shape ("
                            + cap[0] + ", " + cap[1] + ")); expected at least one");
                }
                if (cap[1] < 2) {
                    throw new BadInputException(f.displayName() + ": dataset '" + capName + "' has captions of "
                            + cap[1] + " tokens; expected at least <START> and <END> (cs231n uses "
                            + Cs231nLayout.COCO_CAPTION_LENGTH + ")");
                }
                if (idx[0] != cap[0]) {
                    throw new BadInputException(f.displayName() + ": dataset '" + idxName + "' has " + idx[0]
                            + " rows but '" + capName + "' has " + cap[0] + "; expected one image index per caption");
                }
                if (captionLength >= 0 && cap[1] != captionLength) {
                    throw new BadInputException(f.displayName() + ": dataset '" + capName + "' has captions of "
                            + cap[1] + " tokens but '" + lengthFrom + "' has " + captionLength
                            + "; expected every split to have the same caption length");
                }
                captionLength = (int) cap[1];
                lengthFrom = capName;
                numCaptions[k] = cap[0];
            }
            String vocabSize = dir.describe(Cs231nLayout.VOCAB_FILE) + " has " + vocab.size() + " words";
            for (String s : splits) {
                int[] captions = h5.readIndices(Cs231nLayout.captionsDataset(s), captionLength, vocab.size(),
                        "a word index", vocabSize);
                // Image indices are range-checked once the features file tells how many images there are.
                int[] idxs = h5.readIndices(Cs231nLayout.imageIdxsDataset(s), 1, Integer.MAX_VALUE,
                        "an image index", "");
                out.put(s, new SplitCaptions(s, f.displayName(), captions, captionLength, idxs));
            }
        }
        return out;
    }

    private static String[] readUrls(Cs231nDirectory dir, String split, int numImages, String featuresFile) {
        String file = Cs231nLayout.urlsFile(split);
        if (!dir.exists(file)) {
            return null;
        }
        try (InputStream in = dir.open(file)) {
            return UrlList.read(in, dir.describe(file), numImages, "'features' in " + dir.describe(featuresFile));
        } catch (IOException e) {
            throw new BadInputException(dir.describe(file) + ": cannot read (" + e + ")", e);
        }
    }
}
