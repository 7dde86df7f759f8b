package captioner.model;

import captioner.nn.Activation;

/**
 * What a transformer's parameter shapes cannot tell, as given for reading a file (any may be null: then the file's
 * attributes, written by {@link Checkpoint}, or the default decide). A file from cs231n's PyTorch code records none
 * of them, so its heads must be given.
 *
 * @param heads      attention heads; when given, they win over the file's
 * @param activation the feed-forward activation, used when the file records none
 * @param dropout    the dropout probability to train with; when given, it wins over the file's
 * @param maxLength  positions, used when the file has neither the attribute nor {@code positional_encoding.pe}
 */
public record TransformerSettings(Integer heads, Activation.Kind activation, Double dropout, Integer maxLength) {
}
