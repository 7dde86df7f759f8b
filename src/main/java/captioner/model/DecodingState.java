package captioner.model;

/**
 * The state of N captions being decoded one word at a time by a {@link CaptionGenerator}: rows are independent
 * captions or the beams of a beam search. Each family keeps what its next step needs ({@link DecoderState}: the
 * recurrent h and c; {@link TransformerDecoderState}: each layer's cached keys and values).
 *
 * @param <S> the family's own state type, so that {@link #select} gives back a state its model can advance
 */
public interface DecodingState<S extends DecodingState<S>> {
    /** N, the captions being decoded. */
    int rows();

    /**
     * A new state whose row i is a copy of this state's row {@code rows[i]}: how a beam search keeps the parents
     * of the hypotheses it extends (a parent kept twice appears twice). This state is unchanged.
     */
    S select(int[] rows);
}
