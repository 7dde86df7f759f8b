package captioner.eval;

import captioner.BadInputException;
import captioner.model.CaptionGenerator;
import captioner.model.DecodingState;
import captioner.model.LogSoftmax;
import captioner.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search: keeps the K best partial captions of each image by summed log-probability, extends each by its
 * K + 1 best next words (enough to leave K that are not {@code <END>}), and keeps the K best extensions that do
 * not end. An extension by {@code <END>} that ranks among them is a finished caption, as is any extension at the
 * length limit. The result is the best finished caption, by log-probability or, with a length penalty alpha &gt; 0,
 * by log-probability / tokens^alpha (tokens counting {@code <END>}).
 *
 * <p>The finished captions start with the greedy caption. Plain beam search can lose the greedy path: when K
 * other prefixes outscore it at some step and then continue badly, it returns a caption less likely than
 * greedy's. Starting from greedy's caption (one more decoding pass, a K-th of the search's cost) means a larger
 * beam never returns a less likely caption than greedy, and the pool gives an early stop from the first step. An
 * image stops as soon as no live hypothesis can still beat its best finished caption: log-probabilities only
 * fall as words are added, so a live one can reach at most its current log-probability (divided by
 * maxLength^alpha with a length penalty).
 *
 * <p>Beam size 1 is exactly greedy: an image's beams always occupy the same K rows of one batch (rows of images
 * that have stopped are still computed), so with K = 1 every matrix product has greedy's shapes, each row keeps
 * greedy's values bit for bit, and within a row words are ranked by raw score with the first index winning
 * ties, as the argmax does.
 */
public record BeamSearch(int beamSize, double lengthPenalty, int maxLength) implements Decoder {

    public BeamSearch {
        if (beamSize < 1) {
            throw new BadInputException("beam size is " + beamSize + "; expected at least 1 (1 is greedy)");
        }
        if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
            throw new BadInputException("length penalty is " + lengthPenalty + "; expected a number >= 0 "
                    + "(0: rank finished captions by log-probability, 1: by log-probability per token)");
        }
        Decoder.checkMaxLength(maxLength);
    }

    /** A live partial caption: its words after {@code <START>} and their summed log-probability. */
    private record Hypothesis(int[] words, double logProb) {
        int last() {
            return words[words.length - 1];
        }
    }

    /** An extension of live hypothesis {@code slot} by {@code word}. */
    private record Candidate(int slot, int word, double logProb) {
    }

    @Override
    public <S extends DecodingState<S>> Caption[] decode(CaptionGenerator<S> model, Tensor features,
                                                         int[] imageIdxs) {
        int images = features.dim(0);
        int k = beamSize;
        int v = model.config().vocabSize();
        int end = model.config().endIdx();
        int start = model.config().startIdx();
        int steps = steps(model);
        Caption[] best = new Greedy(steps).decode(model, features, imageIdxs);

        // Image i owns rows i*k .. i*k+k-1; every row starts from the image's <START> state.
        int[] rows = new int[images * k];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r / k;
        }
        S state = model.startDecoding(features).select(rows);
        int[] words = new int[images * k];
        Arrays.fill(words, start);
        List<List<Hypothesis>> live = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            live.add(List.of(new Hypothesis(new int[0], 0)));
        }
        boolean[] done = new boolean[images];
        int open = images;
        int[] top = new int[Math.min(k + 1, v)];
        for (int t = 0; t < steps && open > 0; t++) {
            Tensor scores = model.decodeStep(state, words);
            double[] logp = LogSoftmax.rows(scores);
            int[] parents = new int[images * k];
            for (int r = 0; r < parents.length; r++) {
                parents[r] = r;
                words[r] = start;
            }
            for (int i = 0; i < images; i++) {
                if (done[i]) {
                    continue;
                }
                List<Hypothesis> hyps = live.get(i);
                List<Candidate> candidates = new ArrayList<>(hyps.size() * top.length);
                for (int s = 0; s < hyps.size(); s++) {
                    int row = i * k + s;
                    topWords(scores.view(row * v, v), top);
                    for (int w : top) {
                        candidates.add(new Candidate(s, w, hyps.get(s).logProb() + logp[row * v + w]));
                    }
                }
                // Stable: equal log-probabilities keep beam order, then raw-score order within a beam.
                candidates.sort(Comparator.comparingDouble(Candidate::logProb).reversed());
                List<Hypothesis> next = new ArrayList<>(k);
                for (Candidate c : candidates) {
                    if (next.size() == k) {
                        break;
                    }
                    int[] prefix = hyps.get(c.slot()).words();
                    if (c.word() == end) {
                        best[i] = better(best[i], new Caption(prefix, true, c.logProb()));
                        continue;
                    }
                    int[] extended = Arrays.copyOf(prefix, prefix.length + 1);
                    extended[prefix.length] = c.word();
                    if (t == steps - 1) {
                        best[i] = better(best[i], new Caption(extended, false, c.logProb()));
                    } else {
                        parents[i * k + next.size()] = i * k + c.slot();
                        next.add(new Hypothesis(extended, c.logProb()));
                    }
                }
                if (next.isEmpty() || !canImprove(next, best[i], steps)) {
                    done[i] = true;
                    open--;
                    continue;
                }
                live.set(i, next);
                for (int s = 0; s < next.size(); s++) {
                    words[i * k + s] = next.get(s).last();
                }
            }
            state = state.select(parents);
        }
        return best;
    }

    /** The better of two finished captions; the earlier one on a tie (greedy's first). */
    private Caption better(Caption incumbent, Caption challenger) {
        return challenger.score(lengthPenalty) > incumbent.score(lengthPenalty) ? challenger : incumbent;
    }

    /** Whether some live hypothesis could still finish with a better score than {@code best}. */
    private boolean canImprove(List<Hypothesis> live, Caption best, int steps) {
        double bestScore = best.score(lengthPenalty);
        double longest = lengthPenalty == 0 ? 1 : Math.pow(steps, lengthPenalty);
        for (Hypothesis h : live) {
            if (h.logProb() / longest > bestScore) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code top.length} highest-scoring words of one row, best first; the lower index first on equal scores,
     * as {@code Kernels.argmaxRows} breaks ties.
     */
    static void topWords(Tensor row, int[] top) {
        double[] s = row.toDoubleArray();
        int m = top.length;
        int filled = 0;
        for (int j = 0; j < s.length; j++) {
            if (filled == m && !(s[j] > s[top[m - 1]])) {
                continue;
            }
            int pos = Math.min(filled, m - 1);
            while (pos > 0 && s[j] > s[top[pos - 1]]) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = j;
            filled = Math.min(filled + 1, m);
        }
    }

    @Override
    public String label() {
        return "beam " + beamSize + (lengthPenalty == 0 ? "" : " (length penalty " + lengthPenalty + ")");
    }
}
