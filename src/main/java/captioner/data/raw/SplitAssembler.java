package captioner.data.raw;

import captioner.BadInputException;
import captioner.data.CaptionSplit;
import captioner.model.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins one split's captions with its features into a {@link CaptionSplit}: images are those with features and at
 * least one non-empty caption, in the feature table's order; captions keep the caption source's order. A caption is
 * {@code <START>}, its first {@code captionLength - 2} words (a word the vocabulary lacks as {@code <UNK>}),
 * {@code <END>}, then {@code <NULL>} padding — cs231n's layout.
 */
final class SplitAssembler {
    private SplitAssembler() {
    }

    /** The split and its report; {@code used} holds the feature ids the split took. */
    record Assembled(CaptionSplit split, SplitReport report, Set<String> used) {
    }

    /**
     * @param countUnusedFeatures whether features no caption of this split uses are this split's to report (false
     *                            when the table is shared with another split and the caller reports them once)
     */
    static Assembled assemble(String name, RawCaptions captions, FeatureTable features, Vocabulary vocab,
                              int captionLength, boolean countUnusedFeatures) {
        SplitReport report = new SplitReport(name);
        captions.duplicateImages().forEach(report.duplicateIds::add);
        features.duplicates().forEach(report.duplicateIds::add);
        // Captions in source order; an image is kept when at least one of its captions is.
        List<int[]> rows = new ArrayList<>();
        List<String> rowImage = new ArrayList<>();
        Set<String> withCaption = new HashSet<>();
        for (RawCaptions.Annotation a : captions.annotations()) {
            if (!features.byId().containsKey(a.imageId())) {
                report.captionsWithoutFeatures.add(a.imageId());
                continue;
            }
            List<String> words = CaptionTokenizer.words(a.caption());
            if (words.isEmpty()) {
                report.emptyCaptions.add(a.imageId());
                continue;
            }
            rows.add(encode(words, vocab, captionLength, a.imageId(), captions.source(), report));
            rowImage.add(a.imageId());
            withCaption.add(a.imageId());
        }
        List<String> imageIds = new ArrayList<>();
        for (String id : features.byId().keySet()) {
            if (withCaption.contains(id)) {
                imageIds.add(id);
            } else if (countUnusedFeatures) {
                report.featuresWithoutCaptions.add(id);
            }
        }
        if (imageIds.isEmpty()) {
            throw new BadInputException(captions.source() + " and " + features.source() + ": no image has both a "
                    + "caption and features; expected the image ids of the two to match (" + report.describe() + ")");
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String id : imageIds) {
            index.put(id, index.size());
        }
        int n = imageIds.size();
        int dim = features.dim();
        float[] f = new float[n * dim];
        String[] urls = captions.urls().isEmpty() ? null : new String[n];
        for (int j = 0; j < n; j++) {
            System.arraycopy(features.byId().get(imageIds.get(j)), 0, f, j * dim, dim);
            if (urls != null) {
                urls[j] = captions.urls().get(imageIds.get(j));
            }
        }
        int[] flat = new int[rows.size() * captionLength];
        int[] imageIdxs = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * captionLength, captionLength);
            imageIdxs[r] = index.get(rowImage.get(r));
        }
        report.images = n;
        report.captions = rows.size();
        return new Assembled(new CaptionSplit(name, flat, captionLength, imageIdxs, f, dim, urls), report,
                new HashSet<>(imageIds));
    }

    static int[] encode(List<String> words, Vocabulary vocab, int captionLength, String imageId, String source,
                        SplitReport report) {
        int[] c = new int[captionLength];
        Arrays.fill(c, vocab.nullIdx());
        c[0] = vocab.startIdx();
        int kept = Math.min(words.size(), captionLength - 2);
        if (kept < words.size()) {
            report.cutCaptions.add(imageId);
        }
        for (int t = 0; t < kept; t++) {
            int w = vocab.index(words.get(t));
            if (w < 0) {
                if (vocab.unkIdx() < 0) {
                    throw new BadInputException(source + ": image " + imageId + ": word '" + words.get(t) + "' is not "
                            + "in the vocabulary, which has no " + Vocabulary.UNK + "; expected a vocabulary with "
                            + Vocabulary.UNK + " or captions of its words");
                }
                w = vocab.unkIdx();
                report.unknownWords++;
            }
            c[t + 1] = w;
        }
        c[kept + 1] = vocab.endIdx();
        return c;
    }
}
