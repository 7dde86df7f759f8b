package captioner.data.raw;

import java.util.List;
import java.util.Map;

/**
 * Captions as a source holds them, before tokenizing: one {@link Annotation} per caption, in the source's order.
 *
 * @param source          the file or table, for messages
 * @param urls            image id → url for the images the source lists (COCO's {@code images}); empty for a table
 *                        of captions, which lists no images; a listed image without url maps to null
 * @param duplicateImages ids the source lists more than once (COCO's {@code images}), in order; the first entry wins
 */
public record RawCaptions(String source, List<Annotation> annotations, Map<String, String> urls,
                          List<String> duplicateImages) {

    /** One caption of image {@code imageId} (ids are compared as text: COCO's 391895 is "391895"). */
    public record Annotation(String imageId, String caption) {
    }
}
