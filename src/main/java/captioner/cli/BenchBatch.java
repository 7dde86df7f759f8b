package captioner.cli;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.data.TrainingData;
import captioner.eval.ModelFile;
import captioner.model.CaptionSpec;
import captioner.model.Vocabulary;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

import java.util.Random;

/**
 * The one batch that {@code bench} times: N captions of {@code captionLength} word indices (row-major) and their
 * (N, D) image features.
 */
record BenchBatch(Tensor features, int[] captions, int captionLength, String describe) {

    int size() {
        return features.dim(0);
    }

    /** Captions {@code from} to {@code from + n} of this batch (its features a view of the same storage). */
    BenchBatch rows(int from, int n) {
        int dim = features.dim(1);
        int[] part = java.util.Arrays.copyOfRange(captions, from * captionLength, (from + n) * captionLength);
        return new BenchBatch(features.view(from * dim, n, dim), part, captionLength, describe);
    }

    /**
     * Standard normal features and captions shaped as real ones, drawn from seed 1 (the libtorch peer draws the
     * same kind): {@code <START>}, then words drawn uniformly from the vocabulary without {@code <NULL>}, up to a
     * length drawn uniformly from [L/2, L] tokens, then {@code <NULL>} padding.
     */
    static BenchBatch random(CaptionSpec config, int n, int captionLength, DType dtype) {
        Random rng = new Random(1);
        Tensor features = Tensor.zeros(dtype, n, config.inputDim());
        for (int i = 0; i < features.size(); i++) {
            features.set(i, rng.nextGaussian());
        }
        int[] captions = new int[n * captionLength];
        int shortest = Math.max(2, captionLength / 2);
        for (int r = 0; r < n; r++) {
            int length = shortest + rng.nextInt(captionLength - shortest + 1);
            for (int s = 0; s < captionLength; s++) {
                int word;
                if (s == 0) {
                    word = config.startIdx() >= 0 ? config.startIdx() : rng.nextInt(config.vocabSize());
                } else if (s < length) {
                    do {
                        word = rng.nextInt(config.vocabSize());
                    } while (word == config.nullIdx());
                } else {
                    word = config.nullIdx();
                }
                captions[r * captionLength + s] = word;
            }
        }
        return new BenchBatch(features, captions, captionLength, "random captions of " + shortest + "-"
                + captionLength + " tokens");
    }

    /** The training captions of a dataset, from which batches are drawn. */
    record Source(CaptionShard shard, Vocabulary vocab, String name) {

        /**
         * Reads the training split of {@code data} ("embedded" for the embedded default dataset) through a
         * one-core local Spark session; with a model, checks that the data is the model's.
         */
        static Source load(String data, ModelFile model) {
            String uri = data.equals("embedded") ? null : data;
            String name = uri == null ? "the embedded default dataset" : "--data " + data;
            return SparkSessions.with("local[1]", "captioner bench data", spark -> {
                try (TrainingData d = TrainingData.open(spark, uri, null, null, 1)) {
                    if (model != null) {
                        model.checkFits(d, name);
                    }
                    return new Source(d.shards("train", 1).first(), d.vocab(), name);
                }
            });
        }

        /** N distinct training captions drawn with seed 1, and their images' features. */
        BenchBatch batch(int n, DType dtype) {
            int total = shard.numCaptions();
            if (n > total) {
                throw new BadInputException("--batch-size " + n + ": " + name + " has only " + total
                        + " training captions");
            }
            int length = shard.captionLength();
            int dim = shard.featureDim();
            int[] pick = new Random(1).ints(0, total).distinct().limit(n).toArray();
            int[] captions = new int[n * length];
            Tensor features = Tensor.zeros(dtype, n, dim);
            for (int r = 0; r < n; r++) {
                System.arraycopy(shard.captions(), pick[r] * length, captions, r * length, length);
                int image = shard.captionImage()[pick[r]];
                for (int j = 0; j < dim; j++) {
                    features.set(r * dim + j, shard.features()[image * dim + j]);
                }
            }
            return new BenchBatch(features, captions, length, "captions of " + name);
        }
    }
}
