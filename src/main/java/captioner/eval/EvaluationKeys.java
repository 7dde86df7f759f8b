package captioner.eval;

/**
 * The keys of the JSON object {@code evaluate --out} writes, in one place: {@link Evaluation} writes them, the
 * report labels its table rows by them, and {@code sample --score} uses the same names for an image's own scores.
 * They are a public format: scripts read them.
 */
public final class EvaluationKeys {
    public static final String CHECKPOINT = "checkpoint";
    public static final String DATA = "data";
    public static final String SPLIT = "split";
    public static final String IMAGES = "images";
    public static final String CAPTIONS = "captions";
    public static final String DECODER = "decoder";
    public static final String MAX_LENGTH = "max_length";
    public static final String LOSS = "loss";
    public static final String CROSS_ENTROPY_PER_TOKEN = "cross_entropy_per_token";
    public static final String PERPLEXITY = "perplexity";
    public static final String TOKENS = "tokens";
    public static final String BLEU1_UNIGRAM_CS231N = "bleu1_unigram_cs231n";
    /** MS-COCO caption evaluation's ROUGE-L. */
    public static final String ROUGE_L = "rouge_l";
    /** MS-COCO caption evaluation's CIDEr-D (its "CIDEr"). */
    public static final String CIDER_D = "cider_d";
    public static final String MEAN_LOG_PROB = "mean_log_prob";
    public static final String MEAN_WORDS = "mean_words";
    public static final String BLEU_SMOOTHING = "bleu_smoothing";

    private EvaluationKeys() {
    }

    /** NLTK's corpus BLEU-n: {@code corpus_bleu_1} … {@code corpus_bleu_4}. */
    public static String corpusBleu(int n) {
        return "corpus_bleu_" + n;
    }

    /** MS-COCO caption evaluation's BLEU-n: {@code coco_bleu_1} … {@code coco_bleu_4}. */
    public static String cocoBleu(int n) {
        return "coco_bleu_" + n;
    }
}
