package captioner.data;

import captioner.BadInputException;
import captioner.data.cs231n.Cs231nLayout;

import java.util.Locale;

/**
 * Which image features to read: the 512-wide PCA projection (cs231n's default) or the raw 4096-wide fc7 of a cs231n
 * directory, or features computed elsewhere and joined by image id ({@code prepare --train-features}), of any width.
 */
public enum FeatureKind {
    PCA("_vgg16_fc7_pca.h5", 512),
    FC7("_vgg16_fc7.h5", 4096),
    EXTERNAL(null, -1);

    private final String fileSuffix;
    private final int cocoWidth;

    FeatureKind(String fileSuffix, int cocoWidth) {
        this.fileSuffix = fileSuffix;
        this.cocoWidth = cocoWidth;
    }

    /** The features file of {@code split}, e.g. {@code train2014_vgg16_fc7_pca.h5}. */
    public String fileName(String split) {
        Cs231nLayout.checkSplitName(split);
        if (fileSuffix == null) {
            throw new BadInputException(this + " features are not part of a cs231n directory; expected pca or fc7");
        }
        return split + "2014" + fileSuffix;
    }

    /**
     * The feature width of the real COCO files (512 or 4096; -1 for external features). The reader does not insist on it, since the
     * synthetic set and small experiments may use another width; it only insists that splits agree.
     */
    public int cocoWidth() {
        return cocoWidth;
    }

    /** Parses {@code pca}, {@code fc7} or {@code external}, in any case. */
    public static FeatureKind parse(String text) {
        for (FeatureKind k : values()) {
            if (k.name().equalsIgnoreCase(text.trim())) {
                return k;
            }
        }
        throw new BadInputException("feature kind '" + text + "' is unknown; expected pca or fc7 (or external: features joined by image id)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
