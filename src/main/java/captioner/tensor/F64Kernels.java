package captioner.tensor;

/** float64 kernels: gradient checks and parity tests, where accuracy matters more than speed. */
final class F64Kernels extends Kernels {
    /** 1/√(2π), the standard normal density at 0. */
    static final double NORMAL_DENSITY = 0.3989422804014327;

    @Override
    public DType dtype() {
        return DType.FLOAT64;
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int[] g = gemmDims(transA, transB, a, b, c);
        if (g[0] == 0 || g[1] == 0) {
            return;
        }
        // netlib is column-major: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
        Blas.BLAS_INSTANCE.dgemm(transB ? "T" : "N", transA ? "T" : "N", g[1], g[0], g[2], alpha,
                b.d, b.offset, Math.max(g[4], 1), a.d, a.offset, Math.max(g[3], 1), beta, c.d, c.offset,
                Math.max(g[5], 1));
    }

    @Override
    public void addRowVector(Tensor x, Tensor bias) {
        int n = bias.size();
        int rows = rows(x, n);
        double[] xs = x.d;
        double[] bs = bias.d;
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * n;
            for (int j = 0; j < n; j++) {
                xs[o + j] += bs[bias.offset + j];
            }
        }
    }

    @Override
    public void addColumnSums(Tensor x, Tensor out) {
        int n = out.size();
        int rows = rows(x, n);
        double[] xs = x.d;
        double[] os = out.d;
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * n;
            for (int j = 0; j < n; j++) {
                os[out.offset + j] += xs[o + j];
            }
        }
    }

    @Override
    public void tanh(Tensor x) {
        for (int i = 0, n = x.size(); i < n; i++) {
            x.d[x.offset + i] = Math.tanh(x.d[x.offset + i]);
        }
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        requireSameSize("tanhBackward", y, dy);
        requireSameSize("tanhBackward", y, dx);
        double[] ys = y.d;
        double[] dys = dy.d;
        double[] dxs = dx.d;
        for (int i = 0, n = y.size(); i < n; i++) {
            double v = ys[y.offset + i];
            dxs[dx.offset + i] = dys[dy.offset + i] * (1.0 - v * v);
        }
    }

    @Override
    public void lstmGatesForward(Tensor a, Tensor cPrev, Tensor c, Tensor tanhC, Tensor h) {
        int hidden = lastDim(c);
        int rows = rows(c, hidden);
        double[] as = a.d;
        double[] cp = cPrev.d;
        double[] cs = c.d;
        double[] ts = tanhC.d;
        double[] hs = h.d;
        for (int r = 0; r < rows; r++) {
            int ai = a.offset + r * 4 * hidden;
            for (int j = 0; j < 3 * hidden; j++) {
                as[ai + j] = sigmoid(as[ai + j]);
            }
            for (int j = 3 * hidden; j < 4 * hidden; j++) {
                as[ai + j] = Math.tanh(as[ai + j]);
            }
            int cpo = cPrev.offset + r * hidden;
            int co = c.offset + r * hidden;
            int to = tanhC.offset + r * hidden;
            for (int j = 0; j < hidden; j++) {
                double cell = as[ai + hidden + j] * cp[cpo + j] + as[ai + j] * as[ai + 3 * hidden + j];
                cs[co + j] = cell;
                ts[to + j] = Math.tanh(cell);
            }
            int ho = h.offset + r * hidden;
            for (int j = 0; j < hidden; j++) {
                hs[ho + j] = as[ai + 2 * hidden + j] * ts[to + j];
            }
        }
    }

    @Override
    public void lstmGatesBackward(Tensor gates, Tensor cPrev, Tensor tanhC, Tensor dh, Tensor dc, Tensor da) {
        int hidden = lastDim(dh);
        int rows = rows(dh, hidden);
        double[] gs = gates.d;
        double[] cp = cPrev.d;
        double[] ts = tanhC.d;
        double[] dhs = dh.d;
        double[] dcs = dc.d;
        double[] das = da.d;
        for (int r = 0; r < rows; r++) {
            int gi = gates.offset + r * 4 * hidden;
            int di = da.offset + r * 4 * hidden;
            int o = r * hidden;
            for (int j = 0; j < hidden; j++) {
                double i = gs[gi + j];
                double f = gs[gi + hidden + j];
                double og = gs[gi + 2 * hidden + j];
                double g = gs[gi + 3 * hidden + j];
                double tc = ts[tanhC.offset + o + j];
                double dhv = dhs[dh.offset + o + j];
                double dcTotal = dcs[dc.offset + o + j] + dhv * og * (1.0 - tc * tc);
                das[di + j] = dcTotal * g * i * (1.0 - i);
                das[di + hidden + j] = dcTotal * cp[cPrev.offset + o + j] * f * (1.0 - f);
                das[di + 2 * hidden + j] = dhv * tc * og * (1.0 - og);
                das[di + 3 * hidden + j] = dcTotal * i * (1.0 - g * g);
                dcs[dc.offset + o + j] = dcTotal * f;
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(Tensor scores, int[] y, boolean[] mask, double scale, Tensor dScores) {
        int v = lastDim(scores);
        int rows = rows(scores, v);
        double[] xs = scores.d;
        double[] ds = dScores.d;
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int xo = scores.offset + r * v;
            int dO = dScores.offset + r * v;
            if (!mask[r]) {
                java.util.Arrays.fill(ds, dO, dO + v, 0.0);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, xs[xo + j]);
            }
            double target = xs[xo + y[r]] - max;
            if (ds != xs || dO != xo) {
                System.arraycopy(xs, xo, ds, dO, v);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                double e = Math.exp(ds[dO + j] - max);
                ds[dO + j] = e;
                sum += e;
            }
            loss += Math.log(sum) - target;
            double k = scale / sum;
            for (int j = 0; j < v; j++) {
                ds[dO + j] *= k;
            }
            ds[dO + y[r]] -= scale;
        }
        return loss * scale;
    }

    @Override
    public void gatherRows(Tensor table, int[] idx, Tensor out) {
        int cols = lastDim(table);
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(table.d, table.offset + idx[r] * cols, out.d, out.offset + r * cols, cols);
        }
    }

    @Override
    public void scatterAddRows(Tensor dOut, int[] idx, Tensor dTable) {
        int cols = lastDim(dTable);
        double[] src = dOut.d;
        double[] dst = dTable.d;
        for (int r = 0; r < idx.length; r++) {
            int so = dOut.offset + r * cols;
            int to = dTable.offset + idx[r] * cols;
            for (int j = 0; j < cols; j++) {
                dst[to + j] += src[so + j];
            }
        }
    }

    @Override
    public void argmaxRows(Tensor x, int[] out) {
        int cols = lastDim(x);
        for (int r = 0; r < out.length; r++) {
            int o = x.offset + r * cols;
            int best = 0;
            for (int j = 1; j < cols; j++) {
                if (x.d[o + j] > x.d[o + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        requireSameSize("axpy", x, y);
        double a = alpha;
        double[] xs = x.d;
        double[] ys = y.d;
        int n = x.size();
        if (x.offset == y.offset) {
            // One index into both arrays: C2 vectorizes this even if they are the same array.
            for (int i = x.offset, end = i + n; i < end; i++) {
                ys[i] += a * xs[i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            ys[y.offset + i] += a * xs[x.offset + i];
        }
    }

    @Override
    public void scale(Tensor x, double alpha) {
        double a = alpha;
        double[] xs = x.d;
        for (int i = 0, n = x.size(); i < n; i++) {
            xs[x.offset + i] *= a;
        }
    }

    @Override
    public void lerp(Tensor acc, Tensor x, double decay) {
        requireSameSize("lerp", acc, x);
        requireSameOffset("lerp", acc, x);
        double a = decay;
        double b = (1 - decay);
        double[] as = acc.d;
        double[] xs = x.d;
        for (int i = x.offset, end = i + x.size(); i < end; i++) {
            as[i] = a * as[i] + b * xs[i];
        }
    }

    @Override
    public void lerpSquares(Tensor acc, Tensor x, double decay) {
        requireSameSize("lerpSquares", acc, x);
        requireSameOffset("lerpSquares", acc, x);
        double a = decay;
        double b = (1 - decay);
        double[] as = acc.d;
        double[] xs = x.d;
        for (int i = x.offset, end = i + x.size(); i < end; i++) {
            double v = xs[i];
            as[i] = a * as[i] + b * v * v;
        }
    }

    @Override
    public void addRatio(Tensor w, double alpha, Tensor num, Tensor den, double denScale, double eps) {
        requireSameSize("addRatio", w, num);
        requireSameSize("addRatio", w, den);
        requireSameOffset("addRatio", w, num);
        requireSameOffset("addRatio", w, den);
        double a = alpha;
        double s = denScale;
        double e = eps;
        double[] ws = w.d;
        double[] ns = num.d;
        double[] ds = den.d;
        for (int i = w.offset, end = i + w.size(); i < end; i++) {
            ws[i] += a * ns[i] / (Math.sqrt(ds[i] * s) + e);
        }
    }

    @Override
    public void adamStep(Tensor w, Tensor dw, Tensor m, Tensor v, double beta1, double beta2, double alpha,
            double vScale, double eps) {
        requireSameSize("adamStep", w, dw);
        requireSameSize("adamStep", w, m);
        requireSameSize("adamStep", w, v);
        requireSameOffset("adamStep", w, dw);
        requireSameOffset("adamStep", w, m);
        requireSameOffset("adamStep", w, v);
        requireDistinct("adamStep", m, v);
        requireDistinct("adamStep", m, w);
        requireDistinct("adamStep", m, dw);
        requireDistinct("adamStep", v, w);
        requireDistinct("adamStep", v, dw);
        // Expression shapes exactly as in lerp, lerpSquares and addRatio (bitwise equal).
        double a1 = beta1;
        double b1 = (1 - beta1);
        double a2 = beta2;
        double b2 = (1 - beta2);
        double a = alpha;
        double s = vScale;
        double e = eps;
        double[] ws = w.d;
        double[] gs = dw.d;
        double[] ms = m.d;
        double[] vs = v.d;
        for (int i = w.offset, end = i + w.size(); i < end; i++) {
            double g = gs[i];
            double mi = a1 * ms[i] + b1 * g;
            double vi = a2 * vs[i] + b2 * g * g;
            ms[i] = mi;
            vs[i] = vi;
            ws[i] += a * mi / (Math.sqrt(vi * s) + e);
        }
    }

    @Override
    public double sumSquares(Tensor x) {
        // Four independent accumulators keep the adder pipeline busy; double keeps 1e7 terms accurate.
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double[] xs = x.d;
        int i = x.offset;
        int end = i + x.size();
        for (; i + 3 < end; i += 4) {
            double a = xs[i];
            double b = xs[i + 1];
            double c = xs[i + 2];
            double d = xs[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < end; i++) {
            double a = xs[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public boolean hasNonFinite(Tensor x) {
        double[] xs = x.d;
        for (int i = 0, n = x.size(); i < n; i++) {
            if (!Double.isFinite(xs[x.offset + i])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta,
            Tensor c) {
        int[] g = gemmBatchedDims(batch, transA, transB, a, b, c);
        if (g[0] == 0 || g[1] == 0) {
            return;
        }
        for (int i = 0; i < batch; i++) {
            Blas.BLAS_INSTANCE.dgemm(transB ? "T" : "N", transA ? "T" : "N", g[1], g[0], g[2], alpha,
                    b.d, b.offset + i * g[7], Math.max(g[4], 1), a.d, a.offset + i * g[6], Math.max(g[3], 1), beta,
                    c.d, c.offset + i * g[8], Math.max(g[5], 1));
        }
    }

    @Override
    public void softmaxRows(Tensor x, boolean[] keep) {
        int s = lastDim(x);
        int rows = rows(x, s);
        int t = maskRows(keep, s, rows);
        double[] xs = x.d;
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * s;
            int ko = keep == null ? -1 : (r % t) * s;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < s; j++) {
                if (ko < 0 || keep[ko + j]) {
                    max = Math.max(max, xs[o + j]);
                }
            }
            double sum = 0;
            for (int j = 0; j < s; j++) {
                double e = ko < 0 || keep[ko + j] ? Math.exp(xs[o + j] - max) : 0.0;
                xs[o + j] = e;
                sum += e;
            }
            for (int j = 0; j < s; j++) {
                xs[o + j] /= sum;
            }
        }
    }

    @Override
    public void softmaxRowsBackward(Tensor p, Tensor dp, double scale, Tensor ds) {
        requireSameSize("softmaxRowsBackward", p, dp);
        requireSameSize("softmaxRowsBackward", p, ds);
        int s = lastDim(p);
        int rows = rows(p, s);
        double[] ps = p.d;
        double[] dps = dp.d;
        double[] dss = ds.d;
        for (int r = 0; r < rows; r++) {
            int po = p.offset + r * s;
            int gi = dp.offset + r * s;
            int so = ds.offset + r * s;
            double dot = 0;
            for (int j = 0; j < s; j++) {
                dot += ps[po + j] * dps[gi + j];
            }
            for (int j = 0; j < s; j++) {
                dss[so + j] = scale * ps[po + j] * (dps[gi + j] - dot);
            }
        }
    }

    @Override
    public void swapAxes12(Tensor x, Tensor out) {
        int[] s = swapAxes12Dims(x, out);
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    System.arraycopy(x.d, x.offset + ((a * s[1] + b) * s[2] + c) * s[3],
                            out.d, out.offset + ((a * s[2] + c) * s[1] + b) * s[3], s[3]);
                }
            }
        }
    }

    @Override
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor out, Tensor xhat,
            Tensor rstd) {
        int n = lastDim(x);
        int rows = rows(x, n);
        double[] xs = x.d;
        double[] gs = gamma.d;
        double[] bs = beta.d;
        double[] os = out.d;
        double[] hs = xhat.d;
        for (int r = 0; r < rows; r++) {
            int xo = x.offset + r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += xs[xo + j];
            }
            double mean = sum / n;
            double squares = 0;
            for (int j = 0; j < n; j++) {
                double c = xs[xo + j] - mean;
                squares += c * c;
            }
            double rs = 1.0 / Math.sqrt(squares / n + eps);
            rstd.d[rstd.offset + r] = rs;
            int ho = xhat.offset + r * n;
            int oo = out.offset + r * n;
            for (int j = 0; j < n; j++) {
                double h = (xs[xo + j] - mean) * rs;
                hs[ho + j] = h;
                os[oo + j] = gs[gamma.offset + j] * h + bs[beta.offset + j];
            }
        }
    }

    @Override
    public void layerNormBackward(Tensor dout, Tensor xhat, Tensor rstd, Tensor gamma, Tensor dx, Tensor dgamma,
            Tensor dbeta) {
        int n = lastDim(xhat);
        int rows = rows(xhat, n);
        double[] ds = dout.d;
        double[] hs = xhat.d;
        double[] gs = gamma.d;
        double[] xs = dx.d;
        double[] dgs = dgamma.d;
        double[] dbs = dbeta.d;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double sumG = 0;
            double sumGH = 0;
            for (int j = 0; j < n; j++) {
                double dy = ds[dout.offset + o + j];
                double h = hs[xhat.offset + o + j];
                double g = dy * gs[gamma.offset + j];
                sumG += g;
                sumGH += g * h;
                dgs[dgamma.offset + j] += dy * h;
                dbs[dbeta.offset + j] += dy;
            }
            double meanG = sumG / n;
            double meanGH = sumGH / n;
            double rs = rstd.d[rstd.offset + r];
            for (int j = 0; j < n; j++) {
                double g = ds[dout.offset + o + j] * gs[gamma.offset + j];
                xs[dx.offset + o + j] = rs * (g - meanG - hs[xhat.offset + o + j] * meanGH);
            }
        }
    }

    @Override
    public void gelu(Tensor x, Tensor out) {
        requireSameSize("gelu", x, out);
        for (int i = 0, n = x.size(); i < n; i++) {
            double v = x.d[x.offset + i];
            out.d[out.offset + i] = v * Erf.normalCdf(v);
        }
    }

    @Override
    public void geluBackward(Tensor x, Tensor dout, Tensor dx) {
        requireSameSize("geluBackward", x, dout);
        requireSameSize("geluBackward", x, dx);
        for (int i = 0, n = x.size(); i < n; i++) {
            double v = x.d[x.offset + i];
            double slope = Erf.normalCdf(v) + v * NORMAL_DENSITY * Math.exp(-0.5 * v * v);
            dx.d[dx.offset + i] = dout.d[dout.offset + i] * slope;
        }
    }

    @Override
    public void relu(Tensor x, Tensor out) {
        requireSameSize("relu", x, out);
        for (int i = 0, n = x.size(); i < n; i++) {
            out.d[out.offset + i] = Math.max(x.d[x.offset + i], 0.0);
        }
    }

    @Override
    public void reluBackward(Tensor x, Tensor dout, Tensor dx) {
        requireSameSize("reluBackward", x, dout);
        requireSameSize("reluBackward", x, dx);
        for (int i = 0, n = x.size(); i < n; i++) {
            dx.d[dx.offset + i] = x.d[x.offset + i] > 0 ? dout.d[dout.offset + i] : 0.0;
        }
    }

    @Override
    public void dropout(Tensor x, boolean[] keep, double scale, Tensor out) {
        requireSameSize("dropout", x, out);
        requireFlags("dropout", keep, x.size());
        for (int i = 0, n = x.size(); i < n; i++) {
            out.d[out.offset + i] = keep[i] ? x.d[x.offset + i] * scale : 0.0;
        }
    }

    /** Logistic function without overflow: exp is only taken of non-positive arguments. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
