package captioner.cli;

import captioner.BadInputException;
import captioner.eval.Bleu;
import captioner.eval.Decoder;
import captioner.eval.Evaluation;
import captioner.eval.Greedy;
import captioner.eval.ModelFile;
import captioner.eval.OutputFile;
import captioner.eval.ReportPage;
import captioner.eval.RunFiles;
import captioner.eval.classify.ClassifierReportPage;
import captioner.model.classify.ClassifierConfig;
import captioner.train.RunLayout;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** One self-contained HTML page about a finished run: loss curve, metrics, gallery of samples. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write OUT/report.html for a finished training run: the loss curve, the metrics of greedy and "
                + "beam search on a split (loss, perplexity, cs231n's unigram BLEU, corpus BLEU-1..4, coco BLEU-1..4, ROUGE-L, "
                + "CIDEr-D), and a gallery "
                + "of images with both captions beside the references. One file with inline CSS and chart; images "
                + "are linked by their URLs.",
            "For a classifier (train --task classify): the loss curve, loss, accuracy, MCC, precision, recall and F1 "
                + "beside the majority baseline, and the most confident right and wrong sentences."})
final class ReportCommand implements Callable<Integer> {
    static final int DEFAULT_BEAM_SIZE = 3;
    static final int DEFAULT_GALLERY = 24;

    @Option(names = "--run", required = true, paramLabel = "OUT", description = "The --out directory of a finished train run.")
    String run;

    @Mixin
    InferenceOptions options;

    @Mixin
    EvaluationOptions evaluation;

    @Option(names = "--beam-size", paramLabel = "K", defaultValue = "" + DEFAULT_BEAM_SIZE,
            description = "Beam size of the beam-search column (default: ${DEFAULT-VALUE}).")
    int beamSize;



    @Option(names = "--gallery", paramLabel = "N", defaultValue = "" + DEFAULT_GALLERY,
            description = "Images in the gallery; for a classifier, sentences in each of its most confident right "
                    + "and wrong tables (default: ${DEFAULT-VALUE}).")
    int gallery;


    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the page (default: OUT/report.html), atomically.")
    String out;

    @Override
    public Integer call() {
        options.check();
        if (gallery < 0) {
            throw new BadInputException("--gallery is " + gallery + "; expected 0 or more images");
        }
        Bleu.Smoothing smooth = evaluation.check();
        List<Decoder> decoders = List.of(new Greedy(options.maxLength),
                options.decoder(beamSize, null, 0, evaluation.lengthPenalty));
        Configuration conf = SparkSessions.hadoopConfiguration();
        RunFiles files = RunFiles.read(run, conf);
        OutputFile target = OutputFile.of("--out", out == null ? files.file(RunFiles.REPORT) : out, conf);
        ModelFile model = ModelFile.read("--run", files.file(RunLayout.MODEL), conf);
        String data = options.data != null ? options.data : files.setting(RunLayout.Run.DATA);
        if (model.checkpoint().model() instanceof ClassifierConfig classifier) {
            ClassifierReportPage.Scored scored = SentenceInput.score(model, classifier, data, options.split,
                    options.master, "report");
            target.write(ClassifierReportPage.html(content(files, model), scored, gallery));
            System.out.print(scored.metrics().summary());
            System.out.println("wrote " + target.shown());
            return 0;
        }
        SparkSessions.with(options.master, "captioner report", spark -> {
            Evaluation e = options.evaluate(spark, model, data, options.data != null ? null : files.setting(RunLayout.Run.FEATURES),
                    decoders, evaluation.max, true, smooth, true);
            target.write(ReportPage.html(content(files, model), e, model.checkpoint().vocab()));
            System.out.print(e.summary());
            System.out.println("wrote " + target.shown());
            return null;
        });
        return 0;
    }

    /** The run's settings and loss curve: metrics.jsonl's, else the loss history every checkpoint carries. */
    private ReportPage.Content content(RunFiles files, ModelFile model) {
        double[] iterations = files.iterations();
        double[] losses = files.losses();
        if (losses.length == 0) {
            losses = model.checkpoint().lossHistory();
            iterations = new double[losses.length];
            for (int i = 0; i < losses.length; i++) {
                iterations[i] = i + 1;
            }
        }
        return new ReportPage.Content(run, ReportPage.settings(model.checkpoint(), files), iterations, losses, gallery);
    }
}
