package captioner.ml;

import captioner.BadInputException;
import captioner.data.raw.FeatureColumn;
import captioner.eval.EvaluationKeys;
import captioner.eval.metrics.CocoBleu;
import captioner.eval.metrics.CocoScores;
import captioner.eval.metrics.PtbTokenizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * The MS-COCO caption evaluation's corpus BLEU-n ({@code coco_bleu_1} … {@code coco_bleu_4}), ROUGE-L
 * ({@code rouge_l}) or CIDEr-D ({@code cider_d}), PTB-tokenized, as {@code evaluate} reports them, of a generated
 * caption column against a references column ({@code array<string>}, one row per image). BLEU's counts are summed
 * on the executors; ROUGE-L and CIDEr-D (whose document frequencies span the whole set) gather the tokenized
 * captions on the driver. Larger is better, so {@code TrainValidationSplit} and {@code CrossValidator} can use it.
 */
public final class CaptionEvaluator extends Evaluator implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> predictionCol;
    private final Param<String> referencesCol;
    private final Param<String> metricName;

    public CaptionEvaluator() {
        this(Identifiable.randomUID("captionEvaluator"));
    }

    public CaptionEvaluator(String uid) {
        this.uid = uid;
        predictionCol = new Param<>(this, "predictionCol", "the generated caption (string)");
        referencesCol = new Param<>(this, "referencesCol", "the image's reference captions (array<string>)");
        metricName = new Param<>(this, "metricName", "coco_bleu_1 .. coco_bleu_4, rouge_l or cider_d");
        setDefault(predictionCol, "generated_caption");
        setDefault(referencesCol, "references");
        setDefault(metricName, EvaluationKeys.cocoBleu(4));
    }

    public static CaptionEvaluator load(String path) {
        return new DefaultParamsReader<CaptionEvaluator>().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> referencesCol() {
        return referencesCol;
    }

    public Param<String> metricName() {
        return metricName;
    }

    public String getPredictionCol() {
        return $(predictionCol);
    }

    public String getReferencesCol() {
        return $(referencesCol);
    }

    public String getMetricName() {
        return $(metricName);
    }

    public CaptionEvaluator setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public CaptionEvaluator setReferencesCol(String v) {
        set(referencesCol, v);
        return this;
    }

    public CaptionEvaluator setMetricName(String v) {
        set(metricName, v);
        return this;
    }

    /** BLEU's order for a coco_bleu_n metric, 0 for rouge_l and cider_d. */
    private int order() {
        for (int n = 1; n <= 4; n++) {
            if (EvaluationKeys.cocoBleu(n).equals(getMetricName())) {
                return n;
            }
        }
        if (getMetricName().equals(EvaluationKeys.ROUGE_L) || getMetricName().equals(EvaluationKeys.CIDER_D)) {
            return 0;
        }
        throw new BadInputException("metricName '" + getMetricName() + "' is unknown; expected coco_bleu_1 .. "
                + "coco_bleu_4, " + EvaluationKeys.ROUGE_L + " or " + EvaluationKeys.CIDER_D);
    }

    @Override
    public double evaluate(Dataset<?> dataset) {
        int n = order();
        Dataset<Row> df = dataset.toDF();
        int p = FeatureColumn.columnIndex(df.schema(), getPredictionCol(), "predictionCol");
        int r = FeatureColumn.columnIndex(df.schema(), getReferencesCol(), "referencesCol");
        if (!df.schema().fields()[p].dataType().equals(DataTypes.StringType)) {
            throw new BadInputException("predictionCol '" + getPredictionCol() + "' has type "
                    + df.schema().fields()[p].dataType().simpleString() + "; expected string");
        }
        DataType refs = df.schema().fields()[r].dataType();
        if (!(refs instanceof ArrayType a) || !a.elementType().equals(DataTypes.StringType)) {
            throw new BadInputException("referencesCol '" + getReferencesCol() + "' has type " + refs.simpleString()
                    + "; expected array<string>");
        }
        JavaRDD<Row> rows = df.select(df.col(getPredictionCol()), df.col(getReferencesCol())).javaRDD();
        if (n > 0) {
            CocoBleu.Counts total = rows.map(row -> CocoBleu.of(hypothesis(row), references(row)))
                    .fold(new CocoBleu.Counts(), CocoBleu.Counts::merge);
            return total.scores()[n - 1];
        }
        List<String[]> hypotheses = new ArrayList<>();
        List<List<String[]>> references = new ArrayList<>();
        for (Tuple2<String[], List<String[]>> image : rows.map(row -> new Tuple2<>(hypothesis(row), references(row)))
                .collect()) {
            hypotheses.add(image._1());
            references.add(image._2());
        }
        CocoScores scores = CocoScores.score(hypotheses, references);
        return getMetricName().equals(EvaluationKeys.ROUGE_L) ? scores.rougeL() : scores.ciderD();
    }

    private static String[] hypothesis(Row row) {
        return PtbTokenizer.tokenize(row.isNullAt(0) ? "" : row.getString(0));
    }

    private static List<String[]> references(Row row) {
        List<String[]> references = new ArrayList<>();
        for (Object ref : row.getList(1)) {
            references.add(PtbTokenizer.tokenize((String) ref));
        }
        return references;
    }

    @Override
    public boolean isLargerBetter() {
        return true;
    }

    @Override
    public CaptionEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
