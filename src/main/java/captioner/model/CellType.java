package captioner.model;

import captioner.BadInputException;
import captioner.nn.Lstm;
import captioner.nn.RecurrentLayer;
import captioner.nn.VanillaRnn;

import java.util.Locale;

/**
 * The model family: cs231n's {@code cell_type} for the captioning RNN, its CaptioningTransformer, and seed 004's
 * sentence classifier (a task of its own, chosen by {@code --task classify}, never by {@code --cell}).
 */
public enum CellType {
    RNN(1), LSTM(4),
    /** cs231n's CaptioningTransformer ({@link TransformerConfig}); it has no recurrent cell, so no gates. */
    TRANSFORMER(0),
    /** Seed 004's ClassificationTransformer ({@code captioner.model.classify.ClassifierConfig}); no gates. */
    CLASSIFIER(0);

    /** Blocks of H in Wx, Wh and b: the LSTM stacks its four gates. */
    public final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    RecurrentLayer newLayer() {
        return switch (this) {
            case RNN -> new VanillaRnn();
            case LSTM -> new Lstm();
            case TRANSFORMER, CLASSIFIER -> throw new IllegalStateException("the " + label()
                    + " has no recurrent layer");
        };
    }

    /** The recurrent cells, rnn and lstm: what {@link ModelConfig} describes. */
    public boolean recurrent() {
        return this == RNN || this == LSTM;
    }

    /** Parses {@code rnn}, {@code lstm} or {@code transformer}; anything else names the accepted values. */
    public static CellType parse(String s) {
        for (CellType c : values()) {
            if (c != CLASSIFIER && c.label().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new BadInputException("unknown cell type '" + s + "'; expected rnn, lstm or transformer");
    }
}
