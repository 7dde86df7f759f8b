package captioner.train;

import captioner.data.CaptionShard;
import captioner.tensor.DType;
import captioner.tensor.Tensor;

/**
 * Per-thread buffers that a micro-batch of captions and their image features are gathered into,
 * reused across iterations; features are converted to the model's dtype here.
 */
final class Batches {
    private static final ThreadLocal<Batches> CACHE = new ThreadLocal<>();

    private CaptionShard shard;
    private final DType dtype;
    private final int capacity;
    private final int[] captions;
    private final Tensor features;
    private int[] rows = new int[0];

    private Batches(CaptionShard shard, DType dtype, int capacity) {
        this.shard = shard;
        this.dtype = dtype;
        this.capacity = capacity;
        this.captions = new int[capacity * shard.captionLength()];
        this.features = Tensor.zeros(dtype, capacity * shard.featureDim());
    }

    /** This thread's buffers for {@code capacity} captions of {@code shard}'s widths. */
    static Batches forThread(CaptionShard shard, DType dtype, int capacity) {
        Batches b = CACHE.get();
        if (b == null || b.dtype != dtype || b.capacity != capacity
                || b.captions.length != b.capacity * shard.captionLength()
                || b.features.size() != b.capacity * shard.featureDim()) {
            b = new Batches(shard, dtype, capacity);
            CACHE.set(b);
        }
        b.shard = shard;
        return b;
    }

    /** A row buffer of at least {@code count} entries. */
    int[] rows(int count) {
        if (rows.length < count) {
            rows = new int[count];
        }
        return rows;
    }

    /** Copies the captions {@code rows[from .. from+n)} and their images' features into the buffers. */
    void gather(int[] rows, int from, int n) {
        int length = shard.captionLength();
        int dim = shard.featureDim();
        int[] src = shard.captions();
        float[] feats = shard.features();
        int[] image = shard.captionImage();
        for (int i = 0; i < n; i++) {
            int row = rows[from + i];
            System.arraycopy(src, row * length, captions, i * length, length);
            int f = image[row] * dim;
            if (dtype == DType.FLOAT32) {
                System.arraycopy(feats, f, features.floatStorage(), i * dim, dim);
            } else {
                double[] dst = features.doubleStorage();
                for (int j = 0; j < dim; j++) {
                    dst[i * dim + j] = feats[f + j];
                }
            }
        }
    }

    /** The first n gathered feature rows, (n, D). */
    Tensor features(int n) {
        return features.view(0, n, shard.featureDim());
    }

    /** The gathered captions; exactly n rows when n fills the buffer, otherwise a trimmed copy. */
    int[] captions(int n) {
        int length = shard.captionLength();
        return n == capacity ? captions : java.util.Arrays.copyOf(captions, n * length);
    }
}
