package captioner.train;

import captioner.nn.GradientClipping;

/**
 * What an iteration of the reduce-scatter exchange does with its summed gradient, decided from the partitions' loss
 * sums, caption counts and slices' sums of squares alone, added in partition order: the driver and every owner
 * decide it alike and get the same bits, so the owners go on without waiting for the driver. The rules are every
 * design's: no update when the loss or the norm is not finite ({@link #finite(double, double)}, which the default
 * design's {@code Trainer} applies too), and clipping as {@link captioner.nn.GradientClipping#clipInPlace} decides
 * and scales.
 */
record StepDecision(double lossSum, long captions, double norm, boolean finite, boolean clip, double clipScale) {

    /** @param clipNorm the clipping bound, or null: no clipping */
    static StepDecision of(double[] lossSums, long[] captions, double[] sumSquares, Double clipNorm) {
        double lossSum = lossSums[0];
        long n = captions[0];
        double squares = 0;
        for (int q = 0; q < lossSums.length; q++) {
            if (q > 0) {
                lossSum += lossSums[q];
                n += captions[q];
            }
            squares += sumSquares[q];
        }
        double norm = Math.sqrt(squares);
        boolean finite = finite(lossSum / n, norm);
        boolean clip = finite && clipNorm != null && GradientClipping.exceeds(norm, clipNorm);
        return new StepDecision(lossSum, n, norm, finite, clip, clip ? clipNorm / norm : 1);
    }

    /** Whether an iteration of mean loss {@code loss} and gradient norm {@code norm} updates the parameters. */
    static boolean finite(double loss, double norm) {
        return Double.isFinite(loss) && Double.isFinite(norm);
    }

    /**
     * Whether the owners upload the state to the driver after this iteration: when it is not finite (the driver then
     * stops with the state before it), when a checkpoint is due, and at the round's end.
     */
    boolean uploads(boolean checkpointDue, boolean roundEnds) {
        return !finite || checkpointDue || roundEnds;
    }
}
