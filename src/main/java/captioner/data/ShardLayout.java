package captioner.data;

import org.apache.spark.Partitioner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * How a split is cut into {@link CaptionShard}s, shared by both inputs so that a caption table and a cs231n
 * directory give bitwise the same shards.
 *
 * <ul>
 *   <li>Shard p holds the images with index in {@code [bounds[p], bounds[p+1])} that have at least one caption
 *       (after {@code maxTrain}), ascending by image index, each image's features once.</li>
 *   <li>Bounds balance captions, not images: {@code bounds[p]} is the first image before which at least
 *       {@code ceil(p · captions / P)} captions lie. Ranges may be empty (more partitions than images), giving
 *       shards of no captions.</li>
 *   <li>Within a shard, captions are in the split's caption order (ascending row). Concatenating the shards in
 *       partition order therefore gives the split's captions stably sorted by image range, which is exactly the
 *       split's order whenever captions are listed image by image (as the synthetic dataset lists them).</li>
 * </ul>
 */
final class ShardLayout {
    private ShardLayout() {
    }

    /**
     * @param imageOfCaption for each caption of the split (after maxTrain), its image index
     * @return partitions + 1 non-decreasing image indices from 0 to numImages
     */
    static int[] bounds(int[] imageOfCaption, int numImages, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        long[] before = new long[numImages + 1];
        for (int img : imageOfCaption) {
            before[img + 1]++;
        }
        for (int i = 0; i < numImages; i++) {
            before[i + 1] += before[i];
        }
        long total = imageOfCaption.length;
        int[] bounds = new int[partitions + 1];
        int b = 0;
        for (int p = 1; p < partitions; p++) {
            long target = (p * total + partitions - 1) / partitions;
            while (b < numImages && before[b] < target) {
                b++;
            }
            bounds[p] = b;
        }
        bounds[partitions] = numImages;
        return bounds;
    }

    /** The partition of image {@code image}: the last p with {@code bounds[p] <= image}. */
    static int partitionOf(int[] bounds, int image) {
        int lo = 0;
        int hi = bounds.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bounds[mid] <= image) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Sends image index keys to their range's partition. */
    static final class ImageRangePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int[] bounds;

        ImageRangePartitioner(int[] bounds) {
            this.bounds = bounds.clone();
        }

        @Override
        public int numPartitions() {
            return bounds.length - 1;
        }

        @Override
        public int getPartition(Object key) {
            return partitionOf(bounds, (Integer) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ImageRangePartitioner other && Arrays.equals(bounds, other.bounds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bounds);
        }
    }

    /** All shards of a split held on the driver (captions already restricted to maxTrain). */
    static List<CaptionShard> fromSplit(CaptionSplit split, int[] bounds) {
        int partitions = bounds.length - 1;
        int l = split.captionLength();
        int d = split.featureDim();
        int[] imageIdxs = split.imageIdxs();
        int[] perImage = new int[split.numImages()];
        for (int img : imageIdxs) {
            perImage[img]++;
        }
        // Per image: its row in its shard's features; per shard: images and captions.
        int[] local = new int[split.numImages()];
        int[] shardImages = new int[partitions];
        int[] shardCaptions = new int[partitions];
        int[] partOf = new int[split.numImages()];
        for (int p = 0; p < partitions; p++) {
            for (int img = bounds[p]; img < bounds[p + 1]; img++) {
                partOf[img] = p;
                if (perImage[img] > 0) {
                    local[img] = shardImages[p]++;
                    shardCaptions[p] += perImage[img];
                }
            }
        }
        int[][] captions = new int[partitions][];
        int[][] captionImage = new int[partitions][];
        float[][] features = new float[partitions][];
        int[][] images = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            captions[p] = new int[shardCaptions[p] * l];
            captionImage[p] = new int[shardCaptions[p]];
            features[p] = new float[shardImages[p] * d];
            images[p] = new int[shardImages[p]];
            for (int img = bounds[p]; img < bounds[p + 1]; img++) {
                if (perImage[img] > 0) {
                    images[p][local[img]] = img;
                    System.arraycopy(split.features(), img * d, features[p], local[img] * d, d);
                }
            }
        }
        int[] filled = new int[partitions];
        for (int r = 0; r < imageIdxs.length; r++) {
            int img = imageIdxs[r];
            int p = partOf[img];
            int c = filled[p]++;
            System.arraycopy(split.captions(), r * l, captions[p], c * l, l);
            captionImage[p][c] = local[img];
        }
        List<CaptionShard> out = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            out.add(new CaptionShard(l, d, captions[p], captionImage[p], features[p], images[p]));
        }
        return out;
    }

    /**
     * One shard from the images of a partition, ascending by image index, each with at least one caption and its
     * caption rows ascending. Captions are put in ascending row order across images.
     */
    static CaptionShard fromSortedImages(Iterator<ImageRow> sorted, int captionLength, int featureDim) {
        List<ImageRow> rows = new ArrayList<>();
        int total = 0;
        while (sorted.hasNext()) {
            ImageRow r = sorted.next();
            rows.add(r);
            total += r.getCaptionRows().length;
        }
        int l = captionLength;
        int d = featureDim;
        float[] features = new float[rows.size() * d];
        int[] images = new int[rows.size()];
        // (row << 32 | position in image order): sorting gives the caption order and where each caption sits.
        long[] order = new long[total];
        int[] imageAt = new int[total];
        int[] flat = new int[total * l];
        int pos = 0;
        for (int i = 0; i < rows.size(); i++) {
            ImageRow r = rows.get(i);
            images[i] = r.getImageIdx();
            System.arraycopy(r.getFeatures(), 0, features, i * d, d);
            int[] captionRows = r.getCaptionRows();
            System.arraycopy(r.getCaptions(), 0, flat, pos * l, captionRows.length * l);
            for (int k = 0; k < captionRows.length; k++) {
                imageAt[pos] = i;
                order[pos] = ((long) captionRows[k] << 32) | pos;
                pos++;
            }
        }
        Arrays.sort(order);
        int[] captions = new int[total * l];
        int[] captionImage = new int[total];
        for (int c = 0; c < total; c++) {
            int from = (int) order[c];
            System.arraycopy(flat, from * l, captions, c * l, l);
            captionImage[c] = imageAt[from];
        }
        return new CaptionShard(l, d, captions, captionImage, features, images);
    }
}
