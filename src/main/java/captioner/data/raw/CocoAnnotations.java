package captioner.data.raw;

import captioner.BadInputException;
import captioner.io.Location;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a COCO caption annotation file ({@code captions_train2014.json}):
 * {@code {"images": [{"id", "file_name", "coco_url" | "flickr_url", ...}], "annotations": [{"image_id", "caption",
 * ...}]}}. An image's url is its {@code coco_url}, else its {@code flickr_url}, else none. The file is read whole
 * on the driver (COCO train: 20 MB of JSON).
 */
public final class CocoAnnotations {
    private static final String EXPECTED = "expected COCO caption annotations {\"images\": [{\"id\": ..., "
            + "\"coco_url\": ...}], \"annotations\": [{\"image_id\": ..., \"caption\": \"...\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CocoAnnotations() {
    }

    public static RawCaptions read(Location file) {
        file.requireFile("read");
        JsonNode root;
        try (InputStream in = file.open()) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": malformed JSON (" + e.getOriginalMessage() + "); " + EXPECTED, e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !root.path("annotations").isArray()) {
            throw new BadInputException(file + ": no \"annotations\" array; " + EXPECTED);
        }
        Map<String, String> urls = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        JsonNode images = root.path("images");
        for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            String id = id(image.get("id"), file, "images[" + i + "].id");
            String url = text(image.get("coco_url"));
            url = url != null ? url : text(image.get("flickr_url"));
            if (urls.containsKey(id)) {
                duplicates.add(id);
            } else {
                urls.put(id, url);
            }
        }
        List<RawCaptions.Annotation> annotations = new ArrayList<>();
        JsonNode list = root.get("annotations");
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String id = id(a.get("image_id"), file, "annotations[" + i + "].image_id");
            JsonNode caption = a.get("caption");
            if (caption == null || !caption.isTextual()) {
                throw new BadInputException(file + ": annotations[" + i + "] (image " + id + ") has no caption text; "
                        + EXPECTED);
            }
            annotations.add(new RawCaptions.Annotation(id, caption.asText()));
        }
        return new RawCaptions(file.toString(), annotations, urls, duplicates);
    }

    private static String id(JsonNode node, Location file, String where) {
        if (node == null || !(node.isIntegralNumber() || node.isTextual())) {
            throw new BadInputException(file + ": " + where + " is " + (node == null ? "missing" : node.toString())
                    + "; expected an image id (a number or a string)");
        }
        return node.asText();
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isEmpty() ? null : node.asText();
    }
}
