package captioner.cli;

import captioner.data.classify.SentenceData;
import captioner.data.classify.SentenceSplit;
import captioner.data.synthetic.SyntheticSentences;
import captioner.eval.ModelFile;
import captioner.eval.classify.ClassificationMetrics;
import captioner.eval.classify.ClassifierReportPage;
import captioner.eval.classify.SentenceScoring;
import captioner.model.ModelFit;
import captioner.model.classify.ClassifierConfig;
import captioner.tensor.Tensor;
import org.apache.spark.sql.SparkSession;

/**
 * The sentences a classify command reads — {@code --data}, or without it the embedded synthetic sentences — and the
 * one way evaluate and report score a classifier on a split of them.
 */
final class SentenceInput {
    private SentenceInput() {
    }

    /** {@code data} (a --data value, or null for the embedded dataset) read on {@code spark}, bad input naming --data. */
    static SentenceData open(String data, SparkSession spark) {
        if (data == null) {
            return SyntheticSentences.defaultData();
        }
        return Flags.parse("--data", data, uri -> SentenceData.open(uri, spark));
    }

    /**
     * The same for the driver-side commands (evaluate, predict, report, gradcheck): a sentence table's rows are read
     * on Spark, so a session on {@code master} runs while the data is read.
     */
    static SentenceData open(String data, String master, String command) {
        if (data == null) {
            return SyntheticSentences.defaultData();
        }
        return SparkSessions.with(master, "captioner " + command, spark -> open(data, spark));
    }

    /** How messages name the data. */
    static String name(String data) {
        return data == null ? "the embedded synthetic sentences" : "--data " + data;
    }

    /** {@code data} opened and checked against the model: its vocabulary must be the checkpoint's. */
    static SentenceData fitting(ModelFile model, ClassifierConfig config, String data, String master,
                                String command) {
        SentenceData sentences = open(data, master, command);
        ModelFit.check(model.source(), model.checkpoint().vocab(), config, name(data), sentences.vocabulary(),
                ClassifierConfig.FEATURE_WIDTH);
        return sentences;
    }

    /** The model's logits and CoLA's figures on {@code split} (--split) of {@code data}. */
    static ClassifierReportPage.Scored score(ModelFile model, ClassifierConfig config, String data, String split,
                                            String master, String command) {
        SentenceData sentences = fitting(model, config, data, master, command);
        SentenceSplit s = Flags.parse("--split", split, sentences::split);
        Tensor logits = SentenceScoring.logits(config.newModel(model.checkpoint().params()), s.tokens(), s.length());
        ClassificationMetrics m = ClassificationMetrics.of(logits, s.labels(),
                ClassificationMetrics.majority(sentences.split(SentenceData.TRAIN).labels()));
        return new ClassifierReportPage.Scored(model.path(), sentences.source(), s, logits, sentences.words(), m);
    }
}
