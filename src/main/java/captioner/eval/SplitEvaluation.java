package captioner.eval;

import captioner.BadInputException;
import captioner.data.CaptionShard;
import captioner.data.ImageCaptions;
import captioner.data.SparkJobs;
import captioner.data.TrainingData;
import captioner.model.CaptionGenerator;
import captioner.model.CaptionSpec;
import captioner.tensor.DType;
import captioner.tensor.Tensor;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Captions and evaluates a split on Spark: the model's parameters are broadcast once, and each partition (one
 * {@link CaptionShard}: a range of images, each image's features once, all its caption rows) decodes each of its
 * selected images once per decoder, scores the captions against the image's own caption rows, and sums the
 * cs231n loss over those rows. Only sums and the generated captions come back to the driver; partitions are
 * combined in index order, so the same input and partition count give the same figures.
 *
 * <p>The selection is the first {@code maxImages} images of the split that have captions, in image-index order
 * (all of them without a limit), so a figure on N images is always on the same N.
 */
public final class SplitEvaluation {
    /** Images decoded together: one batch of matrix products per step. */
    static final int IMAGE_BATCH = 100;
    /** Captions per loss micro-batch, which bounds the (T·N, V) score buffer as in training. */
    static final int LOSS_BATCH = 256;

    private SplitEvaluation() {
    }

    /**
     * What to compute.
     *
     * @param decoders  one caption per selected image from each
     * @param maxImages the first this many images with captions; null for all
     * @param withLoss  whether to sum the loss over the selected images' captions
     */
    public record Request(String split, List<Decoder> decoders, Integer maxImages, boolean withLoss) {
        public Request {
            decoders = List.copyOf(decoders);
            if (decoders.isEmpty()) {
                throw new IllegalArgumentException("at least one decoder is needed");
            }
        }
    }

    /**
     * @param partitions shards of the split (one Spark task each)
     * @throws BadInputException when the data has no such split or none of its images has a caption (the
     *                           command line checks the split first, to name its flag)
     */
    public static Result run(SparkSession spark, TrainingData data, ModelFile model, Request request, int partitions) {
        String split = request.split();
        if (!data.hasSplit(split)) {
            throw new BadInputException(data.source() + " has no '" + split + "' split; it has " + data.splitNames());
        }
        ImageCaptions references = data.references(split);
        int selected = 0;
        int lastImage = -1;
        long captions = 0;
        for (int i = 0; i < references.numImages(); i++) {
            if (request.maxImages() != null && selected == request.maxImages()) {
                break;
            }
            if (references.numCaptions(i) > 0) {
                selected++;
                lastImage = i;
                captions += references.numCaptions(i);
            }
        }
        if (selected == 0) {
            throw new BadInputException("no image of the " + split + " split of " + data.source() + " has a caption; "
                    + "expected at least one to caption and evaluate");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Tensor params = model.checkpoint().params();
        Broadcast<Object> shipped = jsc.broadcast(params.dtype() == DType.FLOAT32 ? params.floatStorage()
                : params.doubleStorage());
        try {
            jsc.setJobDescription("caption " + selected + " " + split + " images ("
                    + request.decoders().stream().map(Decoder::label).collect(Collectors.joining(", "))
                    + (request.withLoss() ? "; loss" : "") + ")");
            PartitionTask task = new PartitionTask(shipped, model.config(), params.dtype(), request.decoders(),
                    lastImage, request.withLoss(), new BleuTokens(data.vocab()));
            List<PartitionResult> parts = new ArrayList<>(SparkJobs.run(
                    () -> data.shards(split, partitions).mapPartitionsWithIndex(task, true).collect()));
            parts.sort(Comparator.comparingInt(p -> p.partition));
            Result result = new Result(split, request.decoders(), references, selected, captions);
            for (PartitionResult p : parts) {
                result.add(p);
            }
            result.images.sort(Comparator.comparingInt(ImageResult::imageIdx));
            if (result.images.size() != selected) {
                throw new IllegalStateException("captioned " + result.images.size() + " images, expected " + selected);
            }
            return result;
        } finally {
            shipped.destroy();
        }
    }

    /** One image's captions, one per decoder in the request's order. */
    public record ImageResult(int imageIdx, Caption[] captions) {
    }

    /** Everything a run computed, summed over partitions. */
    public static final class Result {
        private final String split;
        private final List<Decoder> decoders;
        private final ImageCaptions references;
        private final int numImages;
        private final long numCaptions;
        private final List<ImageResult> images = new ArrayList<>();
        private double lossSum;
        private long lossCaptions;
        private long lossTokens;
        private final double[] bleu1Sum;
        private long bleu1Count;
        private final Bleu.Counts[] corpus;
        private final double[] logProbSum;
        private final long[] wordSum;

        Result(String split, List<Decoder> decoders, ImageCaptions references, int numImages, long numCaptions) {
            this.split = split;
            this.decoders = decoders;
            this.references = references;
            this.numImages = numImages;
            this.numCaptions = numCaptions;
            bleu1Sum = new double[decoders.size()];
            corpus = new Bleu.Counts[decoders.size()];
            for (int d = 0; d < corpus.length; d++) {
                corpus[d] = new Bleu.Counts(Bleu.MAX_ORDER);
            }
            logProbSum = new double[decoders.size()];
            wordSum = new long[decoders.size()];
        }

        private void add(PartitionResult p) {
            for (int i = 0; i < p.imageIdxs.length; i++) {
                images.add(new ImageResult(p.imageIdxs[i], p.captions[i]));
                for (int d = 0; d < decoders.size(); d++) {
                    logProbSum[d] += p.captions[i][d].logProb();
                    wordSum[d] += p.captions[i][d].words().length;
                }
            }
            lossSum += p.lossSum;
            lossCaptions += p.lossCaptions;
            lossTokens += p.lossTokens;
            bleu1Count += p.bleu1Count;
            for (int d = 0; d < decoders.size(); d++) {
                bleu1Sum[d] += p.bleu1Sum[d];
                corpus[d].merge(p.corpus[d]);
            }
        }

        public String split() {
            return split;
        }

        public List<Decoder> decoders() {
            return decoders;
        }

        /** The split's reference captions and urls (all images, not only the selected ones). */
        public ImageCaptions references() {
            return references;
        }

        /** Images captioned. */
        public int numImages() {
            return numImages;
        }

        /** Caption rows of the images captioned: what the per-caption metric and the loss average over. */
        public long numCaptions() {
            return numCaptions;
        }

        /** The captions of every selected image, by image index. */
        public List<ImageResult> images() {
            return images;
        }

        /** cs231n's loss: the summed cross-entropy of a caption, averaged over captions. NaN without the loss. */
        public double loss() {
            return lossCaptions == 0 ? Double.NaN : lossSum / lossCaptions;
        }

        /** The words predicted in computing the loss: every non-{@code <NULL>} target, {@code <END>} included. */
        public long lossTokens() {
            return lossTokens;
        }

        /** Cross-entropy per predicted word, in nats. */
        public double crossEntropyPerToken() {
            return lossTokens == 0 ? Double.NaN : lossSum / lossTokens;
        }

        /** exp(cross-entropy per token). */
        public double perplexity() {
            return Math.exp(crossEntropyPerToken());
        }

        /**
         * cs231n's metric: for every caption row, sentence BLEU with weights [1] of the image's generated caption
         * against that row alone, averaged over rows.
         */
        public double bleu1Cs231n(int decoder) {
            return bleu1Sum[decoder] / bleu1Count;
        }

        /** Corpus BLEU-n of decoder {@code decoder}'s captions against all of each image's captions. */
        public double corpusBleu(int decoder, int n, Bleu.Smoothing smoothing) {
            return corpus[decoder].bleu(n, smoothing);
        }

        public Bleu.Counts corpusCounts(int decoder) {
            return corpus[decoder];
        }

        /** Mean summed log-probability of the generated captions. */
        public double meanLogProb(int decoder) {
            return logProbSum[decoder] / numImages;
        }

        /** Mean words of the generated captions ({@code <END>} not counted). */
        public double meanWords(int decoder) {
            return (double) wordSum[decoder] / numImages;
        }
    }

    /** What one partition sends back. A plain class: Spark's Kryo (4.x) cannot build records. */
    static final class PartitionResult implements Serializable {
        private static final long serialVersionUID = 1L;

        int partition;
        int[] imageIdxs;
        /** [image][decoder]. */
        Caption[][] captions;
        double lossSum;
        long lossCaptions;
        long lossTokens;
        double[] bleu1Sum;
        long bleu1Count;
        Bleu.Counts[] corpus;
    }

    /** The task each partition runs. */
    static final class PartitionTask implements Function2<Integer, Iterator<CaptionShard>, Iterator<PartitionResult>> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<Object> params;
        private final CaptionSpec config;
        private final DType dtype;
        private final List<Decoder> decoders;
        private final int lastImage;
        private final boolean withLoss;
        private final BleuTokens tokens;

        PartitionTask(Broadcast<Object> params, CaptionSpec config, DType dtype, List<Decoder> decoders, int lastImage,
                      boolean withLoss, BleuTokens tokens) {
            this.params = params;
            this.config = config;
            this.dtype = dtype;
            this.decoders = decoders;
            this.lastImage = lastImage;
            this.withLoss = withLoss;
            this.tokens = tokens;
        }

        @Override
        public Iterator<PartitionResult> call(Integer partition, Iterator<CaptionShard> shards) {
            PartitionResult out = new PartitionResult();
            out.partition = partition;
            out.bleu1Sum = new double[decoders.size()];
            out.corpus = new Bleu.Counts[decoders.size()];
            for (int d = 0; d < decoders.size(); d++) {
                out.corpus[d] = new Bleu.Counts(Bleu.MAX_ORDER);
            }
            List<Integer> idxs = new ArrayList<>();
            List<Caption[]> captions = new ArrayList<>();
            while (shards.hasNext()) {
                evaluate(shards.next(), out, idxs, captions);
            }
            out.imageIdxs = idxs.stream().mapToInt(Integer::intValue).toArray();
            out.captions = captions.toArray(new Caption[0][]);
            return List.of(out).iterator();
        }

        private void evaluate(CaptionShard shard, PartitionResult out, List<Integer> idxs, List<Caption[]> captions) {
            Object value = params.value();
            Tensor p = value instanceof float[] f ? Tensor.wrap(f, f.length)
                    : Tensor.wrap((double[]) value, ((double[]) value).length);
            CaptionGenerator<?> model = config.newModel(p);
            int d = shard.featureDim();
            int l = shard.captionLength();
            int[] rows = IntStream.range(0, shard.numImages()).filter(r -> shard.imageIdxs()[r] <= lastImage).toArray();
            Tensor allFeatures = Tensor.wrap(shard.features(), shard.features().length);
            Caption[][] byRow = new Caption[shard.numImages()][];
            for (int from = 0; from < rows.length; from += IMAGE_BATCH) {
                int n = Math.min(IMAGE_BATCH, rows.length - from);
                Tensor features = Tensor.zeros(dtype, n, d);
                int[] imageIdxs = new int[n];
                for (int i = 0; i < n; i++) {
                    int row = rows[from + i];
                    features.view(i * d, d).copyFrom(allFeatures.view(row * d, d));
                    imageIdxs[i] = shard.imageIdxs()[row];
                }
                Caption[][] perDecoder = new Caption[decoders.size()][];
                for (int k = 0; k < decoders.size(); k++) {
                    perDecoder[k] = decoders.get(k).decode(model, features, imageIdxs);
                }
                for (int i = 0; i < n; i++) {
                    Caption[] c = new Caption[decoders.size()];
                    for (int k = 0; k < c.length; k++) {
                        c[k] = perDecoder[k][i];
                    }
                    byRow[rows[from + i]] = c;
                    idxs.add(imageIdxs[i]);
                    captions.add(c);
                }
            }

            // Each selected image's caption rows, cleaned for BLEU.
            List<List<int[]>> refs = new ArrayList<>(shard.numImages());
            for (int i = 0; i < shard.numImages(); i++) {
                refs.add(byRow[i] == null ? null : new ArrayList<>());
            }
            int[] captionImage = shard.captionImage();
            for (int c = 0; c < captionImage.length; c++) {
                if (byRow[captionImage[c]] != null) {
                    refs.get(captionImage[c]).add(tokens.clean(shard.captions(), c * l, l));
                }
            }
            double[] unigram = {1};
            for (int row : rows) {
                for (int k = 0; k < decoders.size(); k++) {
                    int[] hypothesis = tokens.clean(byRow[row][k].words());
                    out.corpus[k].add(refs.get(row), hypothesis);
                    for (int[] reference : refs.get(row)) {
                        out.bleu1Sum[k] += Bleu.sentence(List.of(reference), hypothesis, unigram, Bleu.Smoothing.NONE);
                    }
                }
                out.bleu1Count += refs.get(row).size();
            }
            if (withLoss) {
                addLoss(model, shard, byRow, out);
            }
        }

        /** Sums cs231n's loss and counts the predicted words over the selected images' caption rows. */
        private void addLoss(CaptionGenerator<?> model, CaptionShard shard, Caption[][] byRow, PartitionResult out) {
            int l = shard.captionLength();
            int d = shard.featureDim();
            int[] captionImage = shard.captionImage();
            int[] selected = IntStream.range(0, captionImage.length)
                    .filter(c -> byRow[captionImage[c]] != null).toArray();
            Tensor all = Tensor.wrap(shard.features(), shard.features().length);
            for (int from = 0; from < selected.length; from += LOSS_BATCH) {
                int n = Math.min(LOSS_BATCH, selected.length - from);
                int[] batch = new int[n * l];
                Tensor features = Tensor.zeros(dtype, n, d);
                for (int i = 0; i < n; i++) {
                    int c = selected[from + i];
                    System.arraycopy(shard.captions(), c * l, batch, i * l, l);
                    features.view(i * d, d).copyFrom(all.view(captionImage[c] * d, d));
                    for (int t = 1; t < l; t++) {
                        if (batch[i * l + t] != config.nullIdx()) {
                            out.lossTokens++;
                        }
                    }
                }
                out.lossSum += model.lossSum(features, batch, l, null, null);
                out.lossCaptions += n;
            }
        }
    }
}
