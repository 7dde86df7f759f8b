package captioner.train;

/**
 * What an iteration of the reduce-scatter exchange does with its summed gradient, decided from the partitions' loss
 * sums, caption counts and slices' sums of squares alone, added in partition order: the driver and every owner
 * decide it alike and get the same bits, so the owners go on without waiting for the driver. The rules are the
 * default design's ({@code Trainer}): no update when the loss or the norm is not finite, and clipping as
 * {@link captioner.nn.GradientClipping#clipInPlace} decides and scales.
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
        boolean finite = Double.isFinite(lossSum / n) && Double.isFinite(norm);
        boolean clip = finite && clipNorm != null && !(norm <= clipNorm);
        return new StepDecision(lossSum, n, norm, finite, clip, clip ? clipNorm / norm : 1);
    }
}
