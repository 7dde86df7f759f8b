/**
 * The MS-COCO caption evaluation's metrics, as its official scorers (coco-caption / pycocoevalcap) compute them:
 * the PTB-style tokenization of captions, coco BLEU-1..4, ROUGE-L and CIDEr-D with the document frequencies of
 * the evaluated set. Pure Java on token arrays, no Spark: {@code captioner.eval.CocoScoring} runs them on a split.
 *
 * <p>Imports nothing of ours: tokens are strings, and the package sits below {@code eval}, which feeds it.
 */
package captioner.eval.metrics;
