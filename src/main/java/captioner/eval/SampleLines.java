package captioner.eval;

import captioner.data.ImageCaptions;
import captioner.eval.metrics.CocoScores;
import captioner.eval.metrics.ImageScores;
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
 * With scores ({@code sample --score}) each line also has the image's own MS-COCO caption metrics under the
 * {@link EvaluationKeys} names: {@code coco_bleu_1} … {@code coco_bleu_4} (the scorer's sentence-level BLEU),
 * {@code rouge_l} and {@code cider_d} (document frequencies over the images of the file). The lines are what the
 * official scorers' driver {@code score.py} reads: it takes {@code generated} and {@code references}.
 */
public final class SampleLines {
    static final ObjectMapper JSON = new ObjectMapper();

    public static final String IMAGE_IDX = "image_idx";
    public static final String URL = "url";
    public static final String GENERATED = "generated";
    public static final String LOG_PROB = "log_prob";
    public static final String REFERENCES = "references";

    private SampleLines() {
    }

    /** The lines for decoder {@code decoder} of {@code result}, each ending in a newline. */
    public static String of(SplitEvaluation.Result result, int decoder, Vocabulary vocab) {
        return of(result, decoder, vocab, null);
    }

    /** The lines, each with the image's scores from {@code scores} (decoder {@code decoder}'s; null: none). */
    public static String of(SplitEvaluation.Result result, int decoder, Vocabulary vocab, CocoScores scores) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < result.images().size(); i++) {
            SplitEvaluation.ImageResult image = result.images().get(i);
            out.append(line(image.imageIdx(), image.captions()[decoder], result.references(), vocab,
                    scores == null ? null : scores.images().get(i))).append('\n');
        }
        return out.toString();
    }

    static String line(int imageIdx, Caption caption, ImageCaptions references, Vocabulary vocab, ImageScores scores) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(IMAGE_IDX, imageIdx);
        String url = references.url(imageIdx);
        if (url != null) {
            m.put(URL, url);
        }
        m.put(GENERATED, generated(caption, vocab));
        m.put(LOG_PROB, caption.logProb());
        m.put(REFERENCES, references(imageIdx, references, vocab));
        if (scores != null) {
            for (int n = 1; n <= Bleu.MAX_ORDER; n++) {
                m.put(EvaluationKeys.cocoBleu(n), scores.bleu(n));
            }
            m.put(EvaluationKeys.ROUGE_L, scores.rougeL());
            m.put(EvaluationKeys.CIDER_D, scores.ciderD());
        }
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
