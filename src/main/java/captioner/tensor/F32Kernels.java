package captioner.tensor;

/** float32 kernels: the training hot path. Transcendentals go through {@link FloatMath}. */
final class F32Kernels extends Kernels {

    @Override
    public DType dtype() {
        return DType.FLOAT32;
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int[] g = gemmDims(transA, transB, a, b, c);
        if (g[0] == 0 || g[1] == 0) {
            return;
        }
        // netlib is column-major: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T.
        Blas.BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", g[1], g[0], g[2], (float) alpha,
                b.f, b.offset, Math.max(g[4], 1), a.f, a.offset, Math.max(g[3], 1), (float) beta, c.f, c.offset,
                Math.max(g[5], 1));
    }

    @Override
    public void addRowVector(Tensor x, Tensor bias) {
        int n = bias.size();
        int rows = rows(x, n);
        float[] xs = x.f;
        float[] bs = bias.f;
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
        float[] xs = x.f;
        float[] os = out.f;
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * n;
            for (int j = 0; j < n; j++) {
                os[out.offset + j] += xs[o + j];
            }
        }
    }

    @Override
    public void tanh(Tensor x) {
        FloatMath.tanh(x.f, x.offset, x.size());
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        requireSameSize("tanhBackward", y, dy);
        requireSameSize("tanhBackward", y, dx);
        float[] ys = y.f;
        float[] dys = dy.f;
        float[] dxs = dx.f;
        for (int i = 0, n = y.size(); i < n; i++) {
            float v = ys[y.offset + i];
            dxs[dx.offset + i] = dys[dy.offset + i] * (1f - v * v);
        }
        FloatMath.flushSubnormals(dxs, dx.offset, dx.size());
    }

    @Override
    public void lstmGatesForward(Tensor a, Tensor cPrev, Tensor c, Tensor tanhC, Tensor h) {
        int hidden = lastDim(c);
        int rows = rows(c, hidden);
        float[] as = a.f;
        float[] cp = cPrev.f;
        float[] cs = c.f;
        float[] ts = tanhC.f;
        float[] hs = h.f;
        for (int r = 0; r < rows; r++) {
            int ai = a.offset + r * 4 * hidden;
            FloatMath.sigmoid(as, ai, 3 * hidden);
            // Saturated gates of a trained model give subnormal sigmoids, and their products subnormal c and h,
            // which would then slow every product they enter: flushed where they are born.
            FloatMath.flushSubnormals(as, ai, 3 * hidden);
            FloatMath.tanh(as, ai + 3 * hidden, hidden);
            int cpo = cPrev.offset + r * hidden;
            int co = c.offset + r * hidden;
            int to = tanhC.offset + r * hidden;
            for (int j = 0; j < hidden; j++) {
                cs[co + j] = as[ai + hidden + j] * cp[cpo + j] + as[ai + j] * as[ai + 3 * hidden + j];
            }
            FloatMath.flushSubnormals(cs, co, hidden);
            System.arraycopy(cs, co, ts, to, hidden);
            FloatMath.tanh(ts, to, hidden);
            int ho = h.offset + r * hidden;
            for (int j = 0; j < hidden; j++) {
                hs[ho + j] = as[ai + 2 * hidden + j] * ts[to + j];
            }
            FloatMath.flushSubnormals(hs, ho, hidden);
        }
    }

    @Override
    public void lstmGatesBackward(Tensor gates, Tensor cPrev, Tensor tanhC, Tensor dh, Tensor dc, Tensor da) {
        int hidden = lastDim(dh);
        int rows = rows(dh, hidden);
        float[] gs = gates.f;
        float[] cp = cPrev.f;
        float[] ts = tanhC.f;
        float[] dhs = dh.f;
        float[] dcs = dc.f;
        float[] das = da.f;
        for (int r = 0; r < rows; r++) {
            int gi = gates.offset + r * 4 * hidden;
            int di = da.offset + r * 4 * hidden;
            int o = r * hidden;
            for (int j = 0; j < hidden; j++) {
                float i = gs[gi + j];
                float f = gs[gi + hidden + j];
                float og = gs[gi + 2 * hidden + j];
                float g = gs[gi + 3 * hidden + j];
                float tc = ts[tanhC.offset + o + j];
                float dhv = dhs[dh.offset + o + j];
                float dcTotal = dcs[dc.offset + o + j] + dhv * og * (1f - tc * tc);
                das[di + j] = dcTotal * g * i * (1f - i);
                das[di + hidden + j] = dcTotal * cp[cPrev.offset + o + j] * f * (1f - f);
                das[di + 2 * hidden + j] = dhv * tc * og * (1f - og);
                das[di + 3 * hidden + j] = dcTotal * i * (1f - g * g);
                dcs[dc.offset + o + j] = dcTotal * f;
            }
            FloatMath.flushSubnormals(das, di, 4 * hidden);
            FloatMath.flushSubnormals(dcs, dc.offset + o, hidden);
        }
    }

    @Override
    public double softmaxCrossEntropy(Tensor scores, int[] y, boolean[] mask, double scale, Tensor dScores) {
        int v = lastDim(scores);
        int rows = rows(scores, v);
        float[] xs = scores.f;
        float[] ds = dScores.f;
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int xo = scores.offset + r * v;
            int dO = dScores.offset + r * v;
            if (!mask[r]) {
                java.util.Arrays.fill(ds, dO, dO + v, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, xs[xo + j]);
            }
            float target = xs[xo + y[r]] - max;
            if (ds != xs || dO != xo) {
                System.arraycopy(xs, xo, ds, dO, v);
            }
            double sum = FloatMath.expSum(ds, dO, v, max);
            loss += Math.log(sum) - target;
            float k = (float) (scale / sum);
            for (int j = 0; j < v; j++) {
                ds[dO + j] *= k;
            }
            FloatMath.flushSubnormals(ds, dO, v);   // probabilities of words far below the best one
            ds[dO + y[r]] -= (float) scale;
        }
        return loss * scale;
    }

    @Override
    public void gatherRows(Tensor table, int[] idx, Tensor out) {
        int cols = lastDim(table);
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(table.f, table.offset + idx[r] * cols, out.f, out.offset + r * cols, cols);
        }
    }

    @Override
    public void scatterAddRows(Tensor dOut, int[] idx, Tensor dTable) {
        int cols = lastDim(dTable);
        float[] src = dOut.f;
        float[] dst = dTable.f;
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
                if (x.f[o + j] > x.f[o + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        requireSameSize("axpy", x, y);
        float a = (float) alpha;
        float[] xs = x.f;
        float[] ys = y.f;
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
        float a = (float) alpha;
        float[] xs = x.f;
        for (int i = 0, n = x.size(); i < n; i++) {
            xs[x.offset + i] *= a;
        }
    }

    @Override
    public void lerp(Tensor acc, Tensor x, double decay) {
        requireSameSize("lerp", acc, x);
        requireSameOffset("lerp", acc, x);
        float a = (float) decay;
        float b = (float) (1 - decay);
        float[] as = acc.f;
        float[] xs = x.f;
        for (int i = x.offset, end = i + x.size(); i < end; i++) {
            as[i] = a * as[i] + b * xs[i];
        }
    }

    @Override
    public void lerpSquares(Tensor acc, Tensor x, double decay) {
        requireSameSize("lerpSquares", acc, x);
        requireSameOffset("lerpSquares", acc, x);
        float a = (float) decay;
        float b = (float) (1 - decay);
        float[] as = acc.f;
        float[] xs = x.f;
        for (int i = x.offset, end = i + x.size(); i < end; i++) {
            float v = xs[i];
            as[i] = a * as[i] + b * v * v;
        }
    }

    @Override
    public void addRatio(Tensor w, double alpha, Tensor num, Tensor den, double denScale, double eps) {
        requireSameSize("addRatio", w, num);
        requireSameSize("addRatio", w, den);
        requireSameOffset("addRatio", w, num);
        requireSameOffset("addRatio", w, den);
        float a = (float) alpha;
        float s = (float) denScale;
        float e = (float) eps;
        float[] ws = w.f;
        float[] ns = num.f;
        float[] ds = den.f;
        for (int i = w.offset, end = i + w.size(); i < end; i++) {
            ws[i] += a * ns[i] / ((float) Math.sqrt(ds[i] * s) + e);
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
        // Constants and expression shapes exactly as in lerp, lerpSquares and addRatio (bitwise equal).
        float a1 = (float) beta1;
        float b1 = (float) (1 - beta1);
        float a2 = (float) beta2;
        float b2 = (float) (1 - beta2);
        float a = (float) alpha;
        float s = (float) vScale;
        float e = (float) eps;
        float[] ws = w.f;
        float[] gs = dw.f;
        float[] ms = m.f;
        float[] vs = v.f;
        for (int i = w.offset, end = i + w.size(); i < end; i++) {
            float g = gs[i];
            float mi = a1 * ms[i] + b1 * g;
            float vi = a2 * vs[i] + b2 * g * g;
            ms[i] = mi;
            vs[i] = vi;
            ws[i] += a * mi / ((float) Math.sqrt(vi * s) + e);
        }
    }

    @Override
    public double sumSquares(Tensor x) {
        // Vector API when present (about 7x faster than the scalar loop on 2.6M floats, AVX-512).
        return FloatMath.sumSquares(x.f, x.offset, x.size());
    }

    @Override
    public boolean hasNonFinite(Tensor x) {
        float[] xs = x.f;
        for (int i = 0, n = x.size(); i < n; i++) {
            if (!Float.isFinite(xs[x.offset + i])) {
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
            Blas.BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", g[1], g[0], g[2], (float) alpha,
                    b.f, b.offset + i * g[7], Math.max(g[4], 1), a.f, a.offset + i * g[6], Math.max(g[3], 1),
                    (float) beta, c.f, c.offset + i * g[8], Math.max(g[5], 1));
        }
    }

    @Override
    public void softmaxRows(Tensor x, boolean[] keep) {
        int s = lastDim(x);
        int rows = rows(x, s);
        int t = maskRows(keep, s, rows);
        float[] xs = x.f;
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * s;
            int ko = keep == null ? -1 : (r % t) * s;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < s; j++) {
                if (ko < 0 || keep[ko + j]) {
                    max = Math.max(max, xs[o + j]);
                } else {
                    xs[o + j] = Float.NEGATIVE_INFINITY; // exp gives exactly 0 on every FloatMath path
                }
            }
            double sum = FloatMath.expSum(xs, o, s, max);
            float k = (float) (1.0 / sum);
            for (int j = 0; j < s; j++) {
                xs[o + j] *= k;
            }
        }
    }

    @Override
    public void softmaxRowsBackward(Tensor p, Tensor dp, double scale, Tensor ds) {
        requireSameSize("softmaxRowsBackward", p, dp);
        requireSameSize("softmaxRowsBackward", p, ds);
        int s = lastDim(p);
        int rows = rows(p, s);
        float[] ps = p.f;
        float[] dps = dp.f;
        float[] dss = ds.f;
        float k = (float) scale;
        for (int r = 0; r < rows; r++) {
            int po = p.offset + r * s;
            int gi = dp.offset + r * s;
            int so = ds.offset + r * s;
            double dot = 0;
            for (int j = 0; j < s; j++) {
                dot += ps[po + j] * dps[gi + j];
            }
            float d = (float) dot;
            for (int j = 0; j < s; j++) {
                dss[so + j] = k * ps[po + j] * (dps[gi + j] - d);
            }
        }
    }

    @Override
    public void swapAxes12(Tensor x, Tensor out) {
        int[] s = swapAxes12Dims(x, out);
        for (int a = 0; a < s[0]; a++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    System.arraycopy(x.f, x.offset + ((a * s[1] + b) * s[2] + c) * s[3],
                            out.f, out.offset + ((a * s[2] + c) * s[1] + b) * s[3], s[3]);
                }
            }
        }
    }

    @Override
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor out, Tensor xhat,
            Tensor rstd) {
        int n = lastDim(x);
        int rows = rows(x, n);
        float[] xs = x.f;
        float[] gs = gamma.f;
        float[] bs = beta.f;
        float[] os = out.f;
        float[] hs = xhat.f;
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
            float m = (float) mean;
            float rs = (float) (1.0 / Math.sqrt(squares / n + eps));
            rstd.f[rstd.offset + r] = rs;
            int ho = xhat.offset + r * n;
            int oo = out.offset + r * n;
            for (int j = 0; j < n; j++) {
                float h = (xs[xo + j] - m) * rs;
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
        float[] ds = dout.f;
        float[] hs = xhat.f;
        float[] gs = gamma.f;
        float[] xs = dx.f;
        float[] dgs = dgamma.f;
        float[] dbs = dbeta.f;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double sumG = 0;
            double sumGH = 0;
            for (int j = 0; j < n; j++) {
                float dy = ds[dout.offset + o + j];
                float h = hs[xhat.offset + o + j];
                float g = dy * gs[gamma.offset + j];
                sumG += g;
                sumGH += g * h;
                dgs[dgamma.offset + j] += dy * h;
                dbs[dbeta.offset + j] += dy;
            }
            float meanG = (float) (sumG / n);
            float meanGH = (float) (sumGH / n);
            float rs = rstd.f[rstd.offset + r];
            for (int j = 0; j < n; j++) {
                float g = ds[dout.offset + o + j] * gs[gamma.offset + j];
                xs[dx.offset + o + j] = rs * (g - meanG - hs[xhat.offset + o + j] * meanGH);
            }
        }
    }

    @Override
    public void gelu(Tensor x, Tensor out) {
        requireSameSize("gelu", x, out);
        for (int i = 0, n = x.size(); i < n; i++) {
            double v = x.f[x.offset + i];
            out.f[out.offset + i] = (float) (v * Erf.normalCdf(v));
        }
    }

    @Override
    public void geluBackward(Tensor x, Tensor dout, Tensor dx) {
        requireSameSize("geluBackward", x, dout);
        requireSameSize("geluBackward", x, dx);
        for (int i = 0, n = x.size(); i < n; i++) {
            double v = x.f[x.offset + i];
            double slope = Erf.normalCdf(v) + v * F64Kernels.NORMAL_DENSITY * Math.exp(-0.5 * v * v);
            dx.f[dx.offset + i] = (float) (dout.f[dout.offset + i] * slope);
        }
    }

    @Override
    public void relu(Tensor x, Tensor out) {
        requireSameSize("relu", x, out);
        for (int i = 0, n = x.size(); i < n; i++) {
            out.f[out.offset + i] = Math.max(x.f[x.offset + i], 0f);
        }
    }

    @Override
    public void reluBackward(Tensor x, Tensor dout, Tensor dx) {
        requireSameSize("reluBackward", x, dout);
        requireSameSize("reluBackward", x, dx);
        for (int i = 0, n = x.size(); i < n; i++) {
            dx.f[dx.offset + i] = x.f[x.offset + i] > 0 ? dout.f[dout.offset + i] : 0f;
        }
    }

    @Override
    public void dropout(Tensor x, boolean[] keep, double scale, Tensor out) {
        requireSameSize("dropout", x, out);
        requireFlags("dropout", keep, x.size());
        float k = (float) scale;
        for (int i = 0, n = x.size(); i < n; i++) {
            out.f[out.offset + i] = keep[i] ? x.f[x.offset + i] * k : 0f;
        }
    }
}
