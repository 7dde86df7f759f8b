package captioner.eval;

import captioner.eval.metrics.CiderD;
import captioner.eval.metrics.CocoScores;
import captioner.eval.metrics.DocumentFrequencies;
import captioner.eval.metrics.ImageScores;
import captioner.eval.metrics.PtbTokenizer;
import captioner.model.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The MS-COCO caption metrics (coco BLEU-1..4, ROUGE-L, CIDEr-D; {@code captioner.eval.metrics}) of a set of
 * captioned images, on Spark. The images are split into partitions, which tokenize them ({@link PtbTokenizer});
 * one job counts CIDEr-D's document frequencies over every image's references (integer counts, merged in any
 * order with the same result), the driver broadcasts them, and a second job scores each image. The per-image
 * scores come back in image order and {@link CocoScores} sums them on the driver one after the other, so every
 * figure is the same, bit for bit, for any number of partitions, and equals {@link CocoScores#score} on the
 * driver alone.
 */
public final class CocoScoring {
    private CocoScoring() {
    }

    /**
     * One image to score, as text: a caption from each decoder, and the references. A plain class: Spark's Kryo
     * (4.x) cannot build records.
     */
    public static final class Image implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String[] hypotheses;
        private final String[] references;

        /** @param references at least one */
        public Image(List<String> hypotheses, List<String> references) {
            if (references.isEmpty()) {
                throw new IllegalArgumentException("an image to score needs at least one reference");
            }
            this.hypotheses = hypotheses.toArray(new String[0]);
            this.references = references.toArray(new String[0]);
        }
    }

    /** An image's captions as tokens. */
    static final class Tokenized implements Serializable {
        private static final long serialVersionUID = 1L;

        final String[][] hypotheses;
        final List<String[]> references;

        Tokenized(Image image) {
            hypotheses = Arrays.stream(image.hypotheses).map(PtbTokenizer::tokenize).toArray(String[][]::new);
            references = new ArrayList<>(Arrays.stream(image.references).map(PtbTokenizer::tokenize).toList());
        }
    }

    /**
     * The figures of each decoder's captions of a split evaluation: captions and references cleaned as for BLEU
     * ({@link BleuTokens}: {@code <START>}, {@code <END>}, {@code <UNK>} dropped), written as words, tokenized.
     *
     * @return one {@link CocoScores} per decoder of the result, in its order
     */
    public static List<CocoScores> run(SparkSession spark, SplitEvaluation.Result result, Vocabulary vocab,
                                       int partitions) {
        return run(spark, images(result, vocab), result.decoders().size(), partitions);
    }

    /** The images of a split evaluation as text, in image order. */
    static List<Image> images(SplitEvaluation.Result result, Vocabulary vocab) {
        BleuTokens tokens = new BleuTokens(vocab);
        List<Image> out = new ArrayList<>(result.images().size());
        for (SplitEvaluation.ImageResult image : result.images()) {
            List<String> hypotheses = new ArrayList<>();
            for (Caption c : image.captions()) {
                hypotheses.add(text(tokens.clean(c.words()), vocab));
            }
            List<String> references = new ArrayList<>();
            for (int[] r : result.references().captions(image.imageIdx())) {
                references.add(text(tokens.clean(r), vocab));
            }
            out.add(new Image(hypotheses, references));
        }
        return out;
    }

    private static String text(int[] words, Vocabulary vocab) {
        StringBuilder s = new StringBuilder();
        for (int w : words) {
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append(vocab.word(w));
        }
        return s.toString();
    }

    /**
     * Scores {@code images} (each with {@code decoders} hypotheses) in {@code partitions} partitions.
     *
     * @return one {@link CocoScores} per decoder
     */
    public static List<CocoScores> run(SparkSession spark, List<Image> images, int decoders, int partitions) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to score");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("coco caption metrics of " + images.size() + " images");
        JavaRDD<Tokenized> tokenized = jsc.parallelize(images, Math.min(partitions, images.size()))
                .map(Tokenized::new).persist(StorageLevel.MEMORY_ONLY());
        Broadcast<DocumentFrequencies> shipped = null;
        try {
            DocumentFrequencies df = tokenized.aggregate(new DocumentFrequencies(),
                    (d, image) -> d.add(image.references), DocumentFrequencies::merge);
            shipped = jsc.broadcast(df);
            Broadcast<DocumentFrequencies> frequencies = shipped;
            List<ImageScores[]> scored = tokenized.map(image -> {
                CiderD cider = new CiderD(frequencies.value());
                ImageScores[] s = new ImageScores[image.hypotheses.length];
                for (int d = 0; d < s.length; d++) {
                    s[d] = ImageScores.of(image.hypotheses[d], image.references, cider);
                }
                return s;
            }).collect();
            List<CocoScores> out = new ArrayList<>(decoders);
            for (int d = 0; d < decoders; d++) {
                List<ImageScores> perImage = new ArrayList<>(scored.size());
                for (ImageScores[] s : scored) {
                    perImage.add(s[d]);
                }
                out.add(new CocoScores(perImage));
            }
            return out;
        } finally {
            tokenized.unpersist(false);
            if (shipped != null) {
                shipped.destroy();
            }
        }
    }
}
