package captioner.train;

import captioner.io.AtomicWrites;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;

/** OUT/loss.png at the end of a run: the training loss per iteration and its moving average, drawn with JFreeChart. */
final class LossPlot implements TrainingListener {
    static {
        // Servers and schedulers have no display.
        System.setProperty("java.awt.headless", "true");
    }

    private final RunDirectory dir;

    LossPlot(RunDirectory dir) {
        this.dir = dir;
    }

    @Override
    public void runEnded(End end) {
        write(end.model().lossHistory(), end.model().model().cell().label() + " training loss", dir);
    }

    private static void write(double[] losses, String title, RunDirectory dir) {
        XYSeries raw = new XYSeries("loss");
        XYSeries smooth = new XYSeries("moving average");
        int window = Math.max(1, losses.length / 50);
        double sum = 0;
        for (int i = 0; i < losses.length; i++) {
            raw.add(i + 1, losses[i]);
            sum += losses[i];
            if (i >= window) {
                sum -= losses[i - window];
            }
            smooth.add(i + 1, sum / Math.min(i + 1, window));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(smooth);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "iteration", "loss", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, new Color(120, 160, 220));
        renderer.setSeriesPaint(1, new Color(200, 60, 40));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        plot.setRenderer(renderer);
        AtomicWrites.write(dir.file(RunLayout.LOSS_PLOT), file -> ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500));
    }
}
