package captioner.ml;

import captioner.BadInputException;
import captioner.TestSpark;
import captioner.eval.metrics.CocoBleu;
import captioner.eval.metrics.CocoScores;
import captioner.eval.metrics.PtbTokenizer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric the evaluator offers equals the scorers' own figure on the same captions, over any partitioning. */
class CaptionEvaluatorTest {
    private static final List<String> GENERATED = List.of("a red bus on the beach", "two dogs in the park",
            "a cat sitting on a chair", "");
    private static final List<List<String>> REFERENCES = List.of(
            List.of("a red bus parked on a beach", "the bus is red", "A red bus, on the sand."),
            List.of("two dogs play in the park", "dogs running in a park"),
            List.of("a cat on a wooden chair", "the cat sits on the chair", "a kitten on a chair"),
            List.of("an empty street"));

    @Test
    void bleuRougeAndCiderAreTheScorersFigures() {
        List<String[]> hypotheses = new ArrayList<>();
        List<List<String[]>> references = new ArrayList<>();
        CocoBleu.Counts counts = new CocoBleu.Counts();
        for (int i = 0; i < GENERATED.size(); i++) {
            hypotheses.add(PtbTokenizer.tokenize(GENERATED.get(i)));
            references.add(REFERENCES.get(i).stream().map(PtbTokenizer::tokenize).toList());
            counts = counts.merge(CocoBleu.of(hypotheses.get(i), references.get(i)));
        }
        CocoScores scores = CocoScores.score(hypotheses, references);
        for (int partitions : new int[] {1, 3}) {
            Dataset<Row> df = captions(partitions);
            assertEquals(scores.ciderD(), new CaptionEvaluator().setMetricName("cider_d").evaluate(df), 0.0);
            assertEquals(scores.rougeL(), new CaptionEvaluator().setMetricName("rouge_l").evaluate(df), 0.0);
            for (int n = 1; n <= 4; n++) {
                assertEquals(counts.scores()[n - 1],
                        new CaptionEvaluator().setMetricName("coco_bleu_" + n).evaluate(df), 0.0);
            }
        }
        assertTrue(scores.ciderD() > 0, "CIDEr-D " + scores.ciderD());
    }

    @Test
    void anUnknownMetricIsRefusedByName() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> new CaptionEvaluator().setMetricName("meteor").evaluate(captions(1)));
        assertTrue(e.getMessage().startsWith("metricName 'meteor' is unknown; expected coco_bleu_1 .. coco_bleu_4, "
                + "rouge_l or cider_d"), e.getMessage());
    }

    private static Dataset<Row> captions(int partitions) {
        StructType schema = new StructType().add("generated_caption", DataTypes.StringType)
                .add("references", DataTypes.createArrayType(DataTypes.StringType));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < GENERATED.size(); i++) {
            rows.add(RowFactory.create(GENERATED.get(i), REFERENCES.get(i).toArray(new String[0])));
        }
        // parallelize keeps the rows' order across partitions, as a table read in order does.
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        return TestSpark.session().createDataFrame(jsc.parallelize(rows, partitions), schema);
    }
}
