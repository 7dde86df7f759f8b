package captioner.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * For the benchmark only: the JDK's own {@code VectorOperators.EXP} / {@code TANH} (which HotSpot 17
 * maps to Intel SVML stubs in libjsvml.so on x86-64 Linux, and evaluates lane by lane in Java
 * elsewhere). Not used by {@link FloatMath}. Load only when jdk.incubator.vector is present.
 */
final class SvmlReference {

    private SvmlReference() {}

    // Same species as VectorKernels: in JDK 17 mixing species in one JVM pollutes the type profiles of
    // the shared API methods, and C2 then fails to intrinsify (boxing, ~10x slower).
    private static final VectorSpecies<Float> S = VectorKernels.SPECIES;

    static void sigmoid(float[] a, int off, int len) {
        int i = off;
        int end = off + len;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i <= end - S.length(); i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            one.div(x.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
    }

    static void tanh(float[] a, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i <= end - S.length(); i += S.length()) {
            FloatVector.fromArray(S, a, i).lanewise(VectorOperators.TANH).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    static double expSum(float[] a, int off, int len, float shift) {
        int i = off;
        int end = off + len;
        FloatVector sum = FloatVector.zero(S);
        for (; i <= end - S.length(); i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, i).sub(shift).lanewise(VectorOperators.EXP);
            v.intoArray(a, i);
            sum = sum.add(v);
        }
        double total = sum.reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            float v = (float) Math.exp(a[i] - shift);
            a[i] = v;
            total += v;
        }
        return total;
    }
}
