package captioner.data.raw;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.data.FeatureKind;
import captioner.data.VocabularyJson;
import captioner.data.cs231n.Cs231nData;
import captioner.data.cs231n.Cs231nLayout;
import captioner.data.table.PrepareCounts;
import captioner.io.Location;
import captioner.model.Vocabulary;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads caption text and features ({@link Sources}), builds or reuses the vocabulary, and joins them into splits
 * held on the driver, ready for the table writer. Nothing is written here.
 */
public final class RawPrepare {
    /** cs231n's COCO caption length: {@code <START>}, up to 15 words, {@code <END>}. */
    public static final int CAPTION_LENGTH = 17;

    /**
     * Where the captions and features are and how to read them.
     *
     * @param valCaptions  null: no val split
     * @param valFeatures  null: the val images' features are in {@code trainFeatures}
     * @param vocabFile    a cs231n vocabulary JSON to reuse; null builds one from the training captions
     * @param captionCol   the caption column of a caption table (not used for COCO JSON)
     */
    public record Sources(String trainCaptions, String valCaptions, String trainFeatures, String valFeatures,
                          String idCol, String captionCol, String featuresCol, String vocabFile, int maxWords,
                          int minWordCount, boolean strict) {
    }

    /** The splits and vocabulary to write, and what became of every row. */
    public record Prepared(Cs231nData data, List<SplitReport> reports, boolean vocabularyReused) {
        /** One line per split. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "vocabulary: %d words (%s)%n", data.vocab().size(),
                    vocabularyReused ? "reused" : "built from the training captions"));
            for (SplitReport r : reports) {
                s.append(r.describe()).append(System.lineSeparator());
            }
            return s.toString();
        }

        /**
         * SHA-256 of what a table of this data holds — the vocabulary, and each split's captions, their images and
         * the features — e.g. {@code sha256:3f2a…}: equal exactly when the same rows were prepared the same way.
         */
        public String fingerprint() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteBuffer b = ByteBuffer.allocate(1 << 16);
                for (String w : data.vocab().words()) {
                    byte[] bytes = w.getBytes(StandardCharsets.UTF_8);
                    digest(sha, b, new int[] {bytes.length});
                    sha.update(bytes);
                }
                for (String name : data.splitNames()) {
                    CaptionSplit split = data.split(name);
                    sha.update(name.getBytes(StandardCharsets.UTF_8));
                    float[] f = split.features();
                    int[] bits = new int[f.length];
                    for (int i = 0; i < f.length; i++) {
                        bits[i] = Float.floatToIntBits(f[i]);
                    }
                    for (int[] values : new int[][] {split.captions(), split.imageIdxs(), bits}) {
                        digest(sha, b, new int[] {values.length});
                        digest(sha, b, values);
                    }
                }
                return "sha256:" + HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        private static void digest(MessageDigest sha, ByteBuffer b, int[] values) {
            for (int v : values) {
                if (b.remaining() < Integer.BYTES) {
                    sha.update(b.flip());
                    b.clear();
                }
                b.putInt(v);
            }
            sha.update(b.flip());
            b.clear();
        }

        /** Each split's counts, for the table's metadata. */
        public Map<String, PrepareCounts> counts() {
            Map<String, PrepareCounts> counts = new LinkedHashMap<>();
            for (SplitReport r : reports) {
                counts.put(r.split(), r.counts());
            }
            return counts;
        }
    }

    private RawPrepare() {
    }

    public static Prepared read(SparkSession spark, Sources s) {
        if (s.maxWords() < 1 || s.minWordCount() < 1) {
            throw new IllegalArgumentException("maxWords " + s.maxWords() + ", minWordCount " + s.minWordCount());
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        RawCaptions trainCaptions = captions(spark, Location.of(s.trainCaptions(), conf), s);
        RawCaptions valCaptions = s.valCaptions() == null ? null : captions(spark, Location.of(s.valCaptions(), conf), s);
        FeatureTable trainFeatures = FeatureTable.read(spark, Location.of(s.trainFeatures(), conf), s.idCol(),
                s.featuresCol());
        boolean shared = valCaptions != null && s.valFeatures() == null;
        FeatureTable valFeatures = valCaptions == null ? null : shared ? trainFeatures
                : FeatureTable.read(spark, Location.of(s.valFeatures(), conf), s.idCol(), s.featuresCol());
        if (valFeatures != null && valFeatures.dim() != trainFeatures.dim()) {
            throw new BadInputException(valFeatures.source() + ": " + valFeatures.dim() + " features per image but "
                    + trainFeatures.source() + " has " + trainFeatures.dim() + "; expected the same width");
        }
        Vocabulary vocab = s.vocabFile() == null ? build(trainCaptions, trainFeatures, s)
                : readVocabulary(Location.of(s.vocabFile(), conf));

        Map<String, CaptionSplit> splits = new LinkedHashMap<>();
        List<SplitReport> reports = new ArrayList<>();
        SplitAssembler.Assembled train = SplitAssembler.assemble(Cs231nLayout.TRAIN, trainCaptions, trainFeatures,
                vocab, CAPTION_LENGTH, !shared);
        splits.put(Cs231nLayout.TRAIN, train.split());
        reports.add(train.report());
        if (valCaptions != null) {
            // A shared feature table is reported once, under val, with the ids neither split took.
            SplitAssembler.Assembled val = SplitAssembler.assemble(Cs231nLayout.VAL, valCaptions, valFeatures, vocab,
                    CAPTION_LENGTH, !shared);
            if (shared) {
                Set<String> used = new HashSet<>(train.used());
                used.addAll(val.used());
                val.report().duplicateIds.clear();
                valCaptions.duplicateImages().forEach(val.report().duplicateIds::add);
                for (String id : trainFeatures.byId().keySet()) {
                    if (!used.contains(id)) {
                        val.report().featuresWithoutCaptions.add(id);
                    }
                }
            }
            splits.put(Cs231nLayout.VAL, val.split());
            reports.add(val.report());
        }
        if (s.strict()) {
            for (SplitReport r : reports) {
                if (!r.leftOut().isEmpty()) {
                    SplitReport.Problem p = r.leftOut().get(0);
                    throw new BadInputException(r.split() + ": " + p.count() + " " + p.what() + ", the first image "
                            + p.firstId() + "; expected none (strict)");
                }
            }
        }
        String source = s.trainCaptions() + " + " + s.trainFeatures();
        return new Prepared(new Cs231nData(source, FeatureKind.EXTERNAL, vocab, splits), reports,
                s.vocabFile() != null);
    }

    /**
     * A training split from captions and features already in memory (e.g. collected from a DataFrame), with a
     * vocabulary built from them ({@code vocab} null) or the one given. Its source is {@code source} and the
     * {@link Prepared#fingerprint}, e.g. {@code a DataFrame (sha256:3f2a…)}, so a table written from it says which
     * rows it holds.
     */
    public static Prepared assemble(RawCaptions captions, FeatureTable features, Vocabulary vocab, int maxWords,
                                    int minWordCount, String source) {
        Sources s = new Sources(captions.source(), null, features.source(), null, null, null, null, null, maxWords,
                minWordCount, false);
        Vocabulary v = vocab != null ? vocab : build(captions, features, s);
        SplitAssembler.Assembled train = SplitAssembler.assemble(Cs231nLayout.TRAIN, captions, features, v,
                CAPTION_LENGTH, true);
        Map<String, CaptionSplit> splits = Map.of(Cs231nLayout.TRAIN, train.split());
        String fingerprint = new Prepared(new Cs231nData(source, FeatureKind.EXTERNAL, v, splits), List.of(),
                vocab != null).fingerprint();
        return new Prepared(new Cs231nData(source + " (" + fingerprint + ")", FeatureKind.EXTERNAL, v, splits),
                List.of(train.report()), vocab != null);
    }

    private static RawCaptions captions(SparkSession spark, Location file, Sources s) {
        String name = file.name().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return CocoAnnotations.read(file);
        }
        return CaptionColumns.read(spark, file, s.idCol(), s.captionCol());
    }

    /** The vocabulary of the training captions that are kept: those of images with features. */
    private static Vocabulary build(RawCaptions captions, FeatureTable features, Sources s) {
        VocabularyBuilder b = new VocabularyBuilder();
        for (RawCaptions.Annotation a : captions.annotations()) {
            if (features.byId().containsKey(a.imageId())) {
                b.add(CaptionTokenizer.words(a.caption()));
            }
        }
        return b.build(s.maxWords(), s.minWordCount(), captions.source());
    }

    private static Vocabulary readVocabulary(Location file) {
        file.requireFile("read");
        try (InputStream in = file.open()) {
            return VocabularyJson.read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
