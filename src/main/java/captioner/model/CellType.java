package captioner.model;

import captioner.BadInputException;
import captioner.nn.Lstm;
import captioner.nn.RecurrentLayer;
import captioner.nn.VanillaRnn;

import java.util.Locale;

/** The recurrent cell: cs231n's {@code cell_type}. */
public enum CellType {
    RNN(1), LSTM(4);

    /** Blocks of H in Wx, Wh and b: the LSTM stacks its four gates. */
    public final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    RecurrentLayer newLayer() {
        return this == RNN ? new VanillaRnn() : new Lstm();
    }

    /** Parses {@code rnn} or {@code lstm}; anything else names the accepted values. */
    public static CellType parse(String s) {
        for (CellType c : values()) {
            if (c.label().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new BadInputException("unknown cell type '" + s + "'; expected rnn or lstm");
    }
}
