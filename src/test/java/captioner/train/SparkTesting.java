package captioner.train;

import captioner.data.CaptionShard;
import captioner.model.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A shared local Spark session and small random caption data split into shards. */
final class SparkTesting {
    private SparkTesting() {
    }

    static synchronized SparkSession spark() {
        return SparkSession.builder()
                .master("local[4]")
                .appName("captioner-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .getOrCreate();
    }

    /** Random captions: V words ({@code <NULL>}, {@code <START>}, {@code <END>}, w3, ...), L tokens, D-wide features. */
    record Data(Vocabulary vocab, int[] captions, int[] captionImage, float[] features, int numImages, int length, int dim) {
        int numCaptions() {
            return captionImage.length;
        }
    }

    static Data randomData(long seed, int images, int captionsPerImage, int vocabSize, int length, int dim) {
        Random rng = new Random(seed);
        List<String> words = new ArrayList<>(List.of("<NULL>", "<START>", "<END>"));
        for (int i = 3; i < vocabSize; i++) {
            words.add("w" + i);
        }
        int n = images * captionsPerImage;
        int[] captions = new int[n * length];
        int[] captionImage = new int[n];
        for (int c = 0; c < n; c++) {
            captionImage[c] = c / captionsPerImage;
            int words0 = 1 + rng.nextInt(length - 2);
            captions[c * length] = 1;
            for (int t = 1; t <= words0; t++) {
                captions[c * length + t] = 3 + rng.nextInt(vocabSize - 3);
            }
            captions[c * length + words0 + 1] = 2;
        }
        float[] features = new float[images * dim];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rng.nextGaussian();
        }
        return new Data(new Vocabulary(words, "test"), captions, captionImage, features, images, length, dim);
    }

    /** Contiguous image ranges, one shard per partition, captions in order (as the data layer builds them). */
    static JavaRDD<CaptionShard> shards(Data d, int partitions) {
        List<CaptionShard> shards = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) d.numImages() * p / partitions);
            int to = (int) ((long) d.numImages() * (p + 1) / partitions);
            List<Integer> rows = new ArrayList<>();
            for (int c = 0; c < d.numCaptions(); c++) {
                if (d.captionImage()[c] >= from && d.captionImage()[c] < to) {
                    rows.add(c);
                }
            }
            int[] caps = new int[rows.size() * d.length()];
            int[] img = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(d.captions(), rows.get(i) * d.length(), caps, i * d.length(), d.length());
                img[i] = d.captionImage()[rows.get(i)] - from;
            }
            float[] feats = java.util.Arrays.copyOfRange(d.features(), from * d.dim(), to * d.dim());
            int[] idxs = new int[to - from];
            for (int i = 0; i < idxs.length; i++) {
                idxs[i] = from + i;
            }
            shards.add(new CaptionShard(d.length(), d.dim(), caps, img, feats, idxs));
        }
        JavaRDD<CaptionShard> rdd = JavaSparkContext.fromSparkContext(spark().sparkContext()).parallelize(shards, partitions);
        return rdd.cache();
    }

    static Trainer.Input input(Data d, int partitions) {
        return new Trainer.Input(d.vocab(), shards(d, partitions), d.dim(), d.length());
    }
}
