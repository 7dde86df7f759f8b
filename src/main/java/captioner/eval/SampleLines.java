package captioner.eval;

import captioner.data.ImageCaptions;
import captioner.model.Vocabulary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sample} command's output: JSON lines, one object per image in image-index order, with the keys
 * scripts depend on: {@code image_idx} (int), {@code url} (only when the data has urls), {@code generated} (the
 * caption decoded as cs231n's {@code decode_captions} does: words joined by single spaces), {@code log_prob}
 * (its summed log-probability under the model, {@code <END>} included when the caption ended before the length
 * limit) and {@code references} (the image's ground-truth captions, decoded the same way, in caption order).
 */
public final class SampleLines {
    static final ObjectMapper JSON = new ObjectMapper();

    private SampleLines() {
    }

    /** The lines for decoder {@code decoder} of {@code result}, each ending in a newline. */
    public static String of(SplitEvaluation.Result result, int decoder, Vocabulary vocab) {
        StringBuilder out = new StringBuilder();
        for (SplitEvaluation.ImageResult image : result.images()) {
            out.append(line(image.imageIdx(), image.captions()[decoder], result.references(), vocab)).append('\n');
        }
        return out.toString();
    }

    static String line(int imageIdx, Caption caption, ImageCaptions references, Vocabulary vocab) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_idx", imageIdx);
        String url = references.url(imageIdx);
        if (url != null) {
            m.put("url", url);
        }
        m.put("generated", generated(caption, vocab));
        m.put("log_prob", caption.logProb());
        m.put("references", references(imageIdx, references, vocab));
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The caption as cs231n's {@code decode_captions} shows it. */
    public static String generated(Caption caption, Vocabulary vocab) {
        return vocab.decode(caption.words(), 0, caption.words().length);
    }

    /** The image's ground-truth captions, decoded. */
    public static List<String> references(int imageIdx, ImageCaptions references, Vocabulary vocab) {
        List<String> out = new ArrayList<>();
        for (int[] c : references.captions(imageIdx)) {
            out.add(vocab.decode(c, 0, c.length));
        }
        return out;
    }
}
