package captioner.tensor;

import static captioner.tensor.PolyKernels.E2;
import static captioner.tensor.PolyKernels.E3;
import static captioner.tensor.PolyKernels.E4;
import static captioner.tensor.PolyKernels.E5;
import static captioner.tensor.PolyKernels.E6;
import static captioner.tensor.PolyKernels.EXP_HI;
import static captioner.tensor.PolyKernels.EXP_LO;
import static captioner.tensor.PolyKernels.LN2_HI;
import static captioner.tensor.PolyKernels.LN2_LO;
import static captioner.tensor.PolyKernels.LOG2E;
import static captioner.tensor.PolyKernels.ROUND_MAGIC;
import static captioner.tensor.PolyKernels.ROUND_MAGIC_BITS;
import static captioner.tensor.PolyKernels.T0;
import static captioner.tensor.PolyKernels.T1;
import static captioner.tensor.PolyKernels.T2;
import static captioner.tensor.PolyKernels.T3;
import static captioner.tensor.PolyKernels.T4;
import static captioner.tensor.PolyKernels.T5;
import static captioner.tensor.PolyKernels.TANH_POLY_LIMIT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API (jdk.incubator.vector) versions of the {@link PolyKernels} algorithms: lane for lane
 * the same IEEE operations in the same order, so results are bit-identical to the scalar twins and
 * independent of the vector width and of where an element sits in the range.
 *
 * <p><b>Only load this class when the module {@code jdk.incubator.vector} is in the boot layer.</b>
 * {@link FloatMath} guarantees that; nothing else in main code may reference it. Its methods take
 * and return only primitives and arrays, so merely linking a caller never loads the Vector API.
 *
 * <p><b>Why every kernel is written out in full inside its loop.</b> Vector API code is only fast
 * when C2 inlines everything between the load and the store, so that no {@code FloatVector} object
 * is ever materialised. The API's own methods are force-inlined, but helper methods of ours are
 * subject to the usual heuristics ("callee is too large", "already compiled into a big method",
 * node-count cutoffs), and with shared helpers (an {@code exp(FloatVector)} used by all three
 * kernels) whether they got inlined depended on which kernel warmed up first; a miss cost 10x.
 * So each loop body below calls nothing but the Vector API; the exp core is repeated three times.
 *
 * <p>Range tails: the last {@code len % lanes} elements go through the scalar twins in
 * {@link PolyKernels} (same bits). Nothing outside {@code [off, off + len)} is read or written, so
 * disjoint ranges of one array may be processed by different threads.
 */
final class VectorKernels {

    private VectorKernels() {}

    /**
     * The preferred species (the widest the CPU has: 512-bit with AVX-512, 256-bit with AVX2), or
     * the width in bits given by {@code -Dcaptioner.fastmath.bits=128|256|512} (for tests and
     * benchmarks, e.g. to mimic an AVX2 machine).
     */
    static final VectorSpecies<Float> SPECIES = species(Integer.getInteger("captioner.fastmath.bits", 0));
    private static final int VL = SPECIES.length();
    /** Doubles in a vector of the same bit size: half of {@link #VL}. */
    private static final VectorSpecies<Double> DSPECIES = SPECIES.withLanes(double.class);

    private static VectorSpecies<Float> species(int bits) {
        switch (bits) {
            case 64: return FloatVector.SPECIES_64;
            case 128: return FloatVector.SPECIES_128;
            case 256: return FloatVector.SPECIES_256;
            case 512: return FloatVector.SPECIES_512;
            default: return FloatVector.SPECIES_PREFERRED;
        }
    }

    static int lanes() {
        return VL;
    }

    static String describe() {
        return VL + " x float (" + SPECIES.vectorBitSize() + "-bit)";
    }

    private static FloatVector bc(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    /** a[i] = 1 / (1 + exp(-a[i])) as {@link PolyKernels#sigmoid(float)}. */
    static void sigmoid(float[] a, int off, int len) {
        final FloatVector lo = bc(EXP_LO);
        final FloatVector log2e = bc(LOG2E);
        final FloatVector magic = bc(ROUND_MAGIC);
        final FloatVector mLn2Hi = bc(-LN2_HI);
        final FloatVector mLn2Lo = bc(-LN2_LO);
        final FloatVector e6 = bc(E6);
        final FloatVector e5 = bc(E5);
        final FloatVector e4 = bc(E4);
        final FloatVector e3 = bc(E3);
        final FloatVector e2 = bc(E2);
        final FloatVector one = bc(1f);
        final FloatVector zero = bc(0f);
        int i = off;
        for (int vend = off + (len & -VL); i < vend; i += VL) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, i);
            // e = exp(-|x|), argument <= 0 or NaN: only the lower clamp is needed
            FloatVector xc = x.abs().neg();
            xc = xc.blend(lo, xc.lt(lo));
            FloatVector t = xc.fma(log2e, magic);
            FloatVector nf = t.sub(magic);
            IntVector n = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector r = nf.fma(mLn2Hi, xc);
            r = nf.fma(mLn2Lo, r);
            FloatVector p = r.fma(e6, e5);
            p = p.fma(r, e4);
            p = p.fma(r, e3);
            p = p.fma(r, e2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(s1).mul(s2);
            // (x >= 0 ? 1 : e) / (e + 1)
            FloatVector num = e.blend(one, x.compare(VectorOperators.GE, zero));
            num.div(e.add(one)).intoArray(a, i);
        }
        PolyKernels.sigmoid(a, i, off + len - i);
    }

    /** a[i] = tanh(a[i]) as {@link PolyKernels#tanh(float)} (both branches, then a blend). */
    static void tanh(float[] a, int off, int len) {
        final FloatVector lo = bc(EXP_LO);
        final FloatVector log2e = bc(LOG2E);
        final FloatVector magic = bc(ROUND_MAGIC);
        final FloatVector mLn2Hi = bc(-LN2_HI);
        final FloatVector mLn2Lo = bc(-LN2_LO);
        final FloatVector e6 = bc(E6);
        final FloatVector e5 = bc(E5);
        final FloatVector e4 = bc(E4);
        final FloatVector e3 = bc(E3);
        final FloatVector e2 = bc(E2);
        final FloatVector one = bc(1f);
        final FloatVector minusTwo = bc(-2f);
        final FloatVector t5 = bc(T5);
        final FloatVector t4 = bc(T4);
        final FloatVector t3 = bc(T3);
        final FloatVector t2 = bc(T2);
        final FloatVector t1 = bc(T1);
        final FloatVector t0 = bc(T0);
        final FloatVector limit = bc(TANH_POLY_LIMIT);
        final FloatVector zero = bc(0f);
        int i = off;
        for (int vend = off + (len & -VL); i < vend; i += VL) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, i);
            FloatVector ax = x.abs();
            // small |x|: ax + ax^3 P(ax^2)
            FloatVector s = ax.mul(ax);
            FloatVector q = s.fma(t5, t4);
            q = q.fma(s, t3);
            q = q.fma(s, t2);
            q = q.fma(s, t1);
            q = q.fma(s, t0);
            FloatVector small = ax.mul(s).fma(q, ax);
            // otherwise: e = exp(-2|x|), (1 - e) / (1 + e)
            FloatVector xc = ax.mul(minusTwo);
            xc = xc.blend(lo, xc.lt(lo));
            FloatVector t = xc.fma(log2e, magic);
            FloatVector nf = t.sub(magic);
            IntVector n = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector r = nf.fma(mLn2Hi, xc);
            r = nf.fma(mLn2Lo, r);
            FloatVector p = r.fma(e6, e5);
            p = p.fma(r, e4);
            p = p.fma(r, e3);
            p = p.fma(r, e2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(s1).mul(s2);
            FloatVector big = one.sub(e).div(e.add(one));
            FloatVector y = big.blend(small, ax.lt(limit));
            // sign of x (exact oddness); x = ±0 gives x itself. Not done with bit operations: the
            // stored vector must not be a reinterpret result, whose type C2 may not know exactly
            // (with FloatVector profiles polluted by another species the store then fell back to
            // boxing, 10x slower).
            y = y.blend(y.neg(), x.lt(zero));
            y.blend(x, x.eq(zero)).intoArray(a, i);
        }
        PolyKernels.tanh(a, i, off + len - i);
    }

    /**
     * a[i] = exp(a[i] - shift) (difference rounded to float first) as {@link PolyKernels#exp(float)};
     * returns the sum. The sum is accumulated per lane with Kahan compensation in float, the lanes
     * (and the scalar tail) are combined in double, so its error stays within a couple of float ulps
     * of the exact sum of the stored values whatever the length.
     */
    static double expSum(float[] a, int off, int len, float shift) {
        final FloatVector sh = bc(shift);
        final FloatVector lo = bc(EXP_LO);
        final FloatVector hi = bc(EXP_HI);
        final FloatVector log2e = bc(LOG2E);
        final FloatVector magic = bc(ROUND_MAGIC);
        final FloatVector mLn2Hi = bc(-LN2_HI);
        final FloatVector mLn2Lo = bc(-LN2_LO);
        final FloatVector e6 = bc(E6);
        final FloatVector e5 = bc(E5);
        final FloatVector e4 = bc(E4);
        final FloatVector e3 = bc(E3);
        final FloatVector e2 = bc(E2);
        final FloatVector one = bc(1f);
        FloatVector sum = bc(0f);
        FloatVector comp = bc(0f);
        int i = off;
        for (int vend = off + (len & -VL); i < vend; i += VL) {
            FloatVector xc = FloatVector.fromArray(SPECIES, a, i).sub(sh);
            xc = xc.blend(lo, xc.lt(lo)); // NaN compares false and stays NaN
            xc = xc.blend(hi, xc.compare(VectorOperators.GT, hi));
            FloatVector t = xc.fma(log2e, magic);
            FloatVector nf = t.sub(magic);
            IntVector n = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector r = nf.fma(mLn2Hi, xc);
            r = nf.fma(mLn2Lo, r);
            FloatVector p = r.fma(e6, e5);
            p = p.fma(r, e4);
            p = p.fma(r, e3);
            p = p.fma(r, e2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector v = p.mul(s1).mul(s2);
            v.intoArray(a, i);
            // Kahan: comp holds the (negated) low part that the previous addition lost
            FloatVector y = v.sub(comp);
            FloatVector st = sum.add(y);
            comp = st.sub(sum).sub(y);
            sum = st;
        }
        double total = PolyKernels.expSum(a, i, off + len - i, shift);
        if (len >= VL) {
            float[] s = sum.toArray();
            float[] c = comp.toArray();
            for (int k = 0; k < VL; k++) {
                total += (double) s[k] - (double) c[k];
            }
        }
        if (Double.isNaN(total)) {
            // Kahan turns an Inf term into NaN (Inf - Inf); re-add the stored results plainly so that
            // an overflowed term gives +Inf and only a real NaN term gives NaN.
            total = 0;
            for (int j = off, end = off + len; j < end; j++) {
                total += a[j];
            }
        }
        return total;
    }

    /**
     * Sum of a[i]^2 in double. A float's square is exact in double (24-bit significands), so the
     * only rounding is in the additions: each float vector is widened into two double vectors (the
     * same float species as the other kernels, so no second FloatVector shape is ever used) and
     * squared into two double vectors of accumulators: VL lane sums of n/VL positive terms each, so
     * the error is at most about n/VL * 2^-53 relative (1.4e-10 for 1e7 terms with 256-bit vectors).
     * The lanes are combined in a fixed order (not reduceLanes, whose order is unspecified and may
     * differ between the intrinsic and the interpreter), so a given input and vector width always
     * give the same bits. Inf and NaN propagate; nothing overflows (Float.MAX_VALUE^2 ~ 1.2e77).
     */
    static double sumSquares(float[] a, int off, int len) {
        DoubleVector s0 = DoubleVector.zero(DSPECIES);
        DoubleVector s1 = DoubleVector.zero(DSPECIES);
        int i = off;
        for (int vend = off + (len & -VL); i < vend; i += VL) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, i);
            DoubleVector lo = (DoubleVector) x.convertShape(VectorOperators.F2D, DSPECIES, 0);
            DoubleVector hi = (DoubleVector) x.convertShape(VectorOperators.F2D, DSPECIES, 1);
            // mul then add: the square is exact, so this is what an fma would give, without FMA hardware
            s0 = s0.add(lo.mul(lo));
            s1 = s1.add(hi.mul(hi));
        }
        double total = 0;
        if (len >= VL) {
            double[] p = s0.toArray();
            double[] q = s1.toArray();
            for (int k = 0; k < p.length; k++) {
                total += p[k] + q[k];
            }
        }
        for (int end = off + len; i < end; i++) {
            double v = a[i];
            total += v * v;
        }
        return total;
    }

    /** {@code a[i] = ±0} where {@code 0 < |a[i]| < Float.MIN_NORMAL}; see {@link FloatMath#flushSubnormals}. */
    static void flushSubnormals(float[] a, int off, int len) {
        int i = 0;
        for (int upper = SPECIES.loopBound(len); i < upper; i += VL) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, off + i);
            v.blend(v.mul(0f), v.abs().lt(Float.MIN_NORMAL)).intoArray(a, off + i);   // zero of the same sign
        }
        for (; i < len; i++) {
            a[off + i] = FloatMath.flushed(a[off + i]);
        }
    }
}
