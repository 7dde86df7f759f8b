package captioner.eval;

import java.util.Locale;

/**
 * The training loss per iteration as an inline SVG chart: the raw loss in a light line, its moving average
 * (a window of 1/50 of the run, as {@code loss.png} has it) in a dark one, with labelled axes. Inline, so the
 * report needs no other file; vector, so it stays sharp when zoomed or printed.
 */
final class LossCurve {
    private static final int WIDTH = 860;
    private static final int HEIGHT = 320;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 40;
    private static final int MAX_POINTS = 2000;

    private LossCurve() {
    }

    /** The chart of {@code losses[i]} at {@code iterations[i]}; a note instead when there are none. */
    static String svg(double[] iterations, double[] losses) {
        if (losses.length == 0) {
            return "<p class=\"note\">No training loss recorded.</p>";
        }
        double xMin = iterations[0];
        double xMax = Math.max(iterations[iterations.length - 1], xMin + 1);
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (double l : losses) {
            if (Double.isFinite(l)) {
                yMin = Math.min(yMin, l);
                yMax = Math.max(yMax, l);
            }
        }
        if (!(yMax > yMin)) {
            yMin -= 1;
            yMax += 1;
        }
        // A loss that falls by more than 5x (the first iterations of any run) gets a log axis, so the long tail of
        // the run, where the loss changes little, stays readable.
        boolean log = yMin > 0 && yMax / yMin > 5;
        double[] yTicks = log ? logTicks(yMin, yMax) : ticks(yMin, yMax);
        yMin = Math.min(yMin, yTicks[0]);
        yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
        Scale x = new Scale(xMin, xMax, LEFT, WIDTH - RIGHT, false);
        Scale y = new Scale(yMin, yMax, HEIGHT - BOTTOM, TOP, log);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"training loss per iteration\">%n", WIDTH, HEIGHT));
        for (double t : yTicks) {
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, WIDTH - RIGHT, y.at(t), y.at(t), LEFT - 6, y.at(t) + 4, label(t)));
        }
        for (double t : ticks(xMin, xMax)) {
            if (t >= xMin && t <= xMax) {
                s.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
                        + "</text>%n", x.at(t), HEIGHT - BOTTOM + 16, label(t)));
            }
        }
        s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>%n", LEFT,
                WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">iteration"
                + "</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6));
        s.append(String.format(Locale.ROOT, "<text class=\"title\" transform=\"translate(14 %d) rotate(-90)\" "
                + "text-anchor=\"middle\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2, log ? "loss (log scale)" : "loss"));
        s.append(polyline("raw", iterations, losses, x, y));
        s.append(polyline("smooth", iterations, movingAverage(losses, Math.max(1, losses.length / 50)), x, y));
        s.append(String.format(Locale.ROOT, "<g class=\"legend\"><line class=\"raw\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
                        + "y2=\"%d\"/><text x=\"%d\" y=\"%d\">loss</text><line class=\"smooth\" x1=\"%d\" x2=\"%d\" "
                        + "y1=\"%d\" y2=\"%d\"/><text x=\"%d\" y=\"%d\">moving average</text></g>%n",
                WIDTH - 250, WIDTH - 226, TOP + 10, TOP + 10, WIDTH - 220, TOP + 14,
                WIDTH - 160, WIDTH - 136, TOP + 10, TOP + 10, WIDTH - 130, TOP + 14));
        s.append("</svg>");
        return s.toString();
    }

    /** At most {@link #MAX_POINTS} points: a long run's line would otherwise weigh megabytes for no visible gain. */
    private static String polyline(String cssClass, double[] xs, double[] ys, Scale x, Scale y) {
        StringBuilder s = new StringBuilder("<polyline class=\"" + cssClass + "\" points=\"");
        int stride = Math.max(1, (ys.length + MAX_POINTS - 1) / MAX_POINTS);
        for (int i = 0; i < ys.length; i += stride) {
            if (Double.isFinite(ys[i])) {
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.at(xs[i]), y.at(ys[i])));
            }
        }
        return s.append("\"/>\n").toString();
    }

    static double[] movingAverage(double[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) {
                sum -= v[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** About five round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            step = m * magnitude;
            if (step >= raw) {
                break;
            }
        }
        double first = Math.floor(lo / step + 1e-6) * step;
        int n = (int) Math.ceil((hi - first) / step - 1e-6) + 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = first + i * step;
        }
        return out;
    }

    /**
     * For a log axis: the values 1, 2, 3 and 5 times a power of ten from the largest at most lo to the smallest at
     * least hi, so the axis begins and ends on a labelled tick.
     */
    static double[] logTicks(double lo, double hi) {
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (int e = (int) Math.floor(Math.log10(lo)) - 1; e <= (int) Math.ceil(Math.log10(hi)); e++) {
            for (double m : new double[] {1, 2, 3, 5}) {
                all.add(m * Math.pow(10, e));
            }
        }
        int first = 0;
        while (first + 1 < all.size() && all.get(first + 1) <= lo * (1 + 1e-9)) {
            first++;
        }
        int last = all.size() - 1;
        while (last - 1 > first && all.get(last - 1) >= hi * (1 - 1e-9)) {
            last--;
        }
        return all.subList(first, last + 1).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String label(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    /** A linear or logarithmic map from data values to SVG coordinates. */
    private record Scale(double from, double to, double pixelFrom, double pixelTo, boolean log) {
        double at(double v) {
            double f = log ? Math.log(v / from) / Math.log(to / from) : (v - from) / (to - from);
            return pixelFrom + f * (pixelTo - pixelFrom);
        }
    }
}
