package captioner.data.classify;

import captioner.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The seed's {@code word_to_ix.csv}: one {@code word,index} record a line, as Python's {@code csv} module writes
 * it (a field with a comma or a quote is quoted, quotes doubled). The indices must be exactly 0 … V−1, each once (the
 * seed's "word_to_ix has keys from 0 to self.vocab_size - 1").
 */
public final class WordIndex {
    private WordIndex() {
    }

    /** The words by index. */
    public static List<String> read(InputStream in, String name) {
        List<String[]> records = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isEmpty()) {
                    continue;
                }
                List<String> fields = fields(line);
                if (fields == null || fields.size() != 2) {
                    throw new BadInputException(name + ": line " + number + " is not a word,index record: " + line);
                }
                records.add(new String[] {fields.get(0), fields.get(1), Integer.toString(number)});
            }
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read it (" + e + ")", e);
        }
        if (records.isEmpty()) {
            throw new BadInputException(name + ": holds no words; expected word,index lines");
        }
        String[] words = new String[records.size()];
        for (String[] rec : records) {
            int index;
            try {
                index = Integer.parseInt(rec[1].trim());
            } catch (NumberFormatException e) {
                throw new BadInputException(name + ": line " + rec[2] + ": index '" + rec[1] + "' is not an integer; "
                        + "expected word,index", e);
            }
            if (index < 0 || index >= words.length) {
                throw new BadInputException(name + ": line " + rec[2] + ": index " + index + " of '" + rec[0]
                        + "' is outside [0, " + words.length + "); expected the indices 0 to " + (words.length - 1));
            }
            if (words[index] != null) {
                throw new BadInputException(name + ": line " + rec[2] + ": index " + index + " is given to both '"
                        + words[index] + "' and '" + rec[0] + "'; expected each index once");
            }
            words[index] = rec[0];
        }
        return List.copyOf(Arrays.asList(words));
    }

    /** The fields of one CSV line, or null when a quote is unterminated. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(field.toString());
        return out;
    }
}
