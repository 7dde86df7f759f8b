import captioner.data.synthetic.SyntheticSentences;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the embedded sentences as TSV for proxy.py: a header "#vocab, the words by index, T", then one line per
 * sentence: split, label, corruption kind (null if acceptable), clause, frame, words. Run by ./run (source mode).
 */
public class DumpSentences {
    public static void main(String[] args) throws Exception {
        SyntheticSentences s = new SyntheticSentences(SyntheticSentences.SEED);
        int[] sizes = {Integer.parseInt(args[1]), Integer.parseInt(args[2])};
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[0])))) {
            w.println("#vocab\t" + String.join(" ", s.vocabulary()) + "\t" + s.length());
            List<String> splits = List.of("train", "val");
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < sizes[k]; i++) {
                    SyntheticSentences.Sentence x = s.sentence(splits.get(k), i);
                    w.println(splits.get(k) + "\t" + x.label() + "\t" + x.kind() + "\t" + x.clause() + "\t"
                            + x.frame() + "\t" + String.join(" ", x.words()));
                }
            }
        }
    }
}
