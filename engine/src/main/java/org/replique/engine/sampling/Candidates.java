package org.replique.engine.sampling;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The tokens still in the running, best first, with their probabilities after temperature,
 * renormalised over what is kept (as llama.cpp and Hugging Face do between filters).
 */
final class Candidates {
    final int[] ids;
    final double[] probs;
    int size;

    private Candidates(int[] ids, double[] probs) {
        this.ids = ids;
        this.probs = probs;
        this.size = ids.length;
    }

    /** The {@code topK} best tokens (all when ≤ 0), softmax at {@code temperature}. */
    static Candidates of(float[] logits, float temperature, int topK) {
        int[] ids = best(logits, topK > 0 ? Math.min(topK, logits.length) : logits.length);
        double[] probs = new double[ids.length];
        double max = logits[ids[0]];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            probs[i] = Math.exp((logits[ids[i]] - max) / temperature);
            sum += probs[i];
        }
        for (int i = 0; i < ids.length; i++) probs[i] /= sum;
        return new Candidates(ids, probs);
    }

    /** Ids of the {@code k} largest logits, best first, lower id first on ties. */
    static int[] best(float[] logits, int k) {
        java.util.Comparator<Integer> better = (a, b) ->
                logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b);
        if (k == logits.length) {
            Integer[] all = new Integer[logits.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            Arrays.sort(all, better);
            return Arrays.stream(all).mapToInt(Integer::intValue).toArray();
        }
        PriorityQueue<Integer> worstFirst = new PriorityQueue<>(k + 1, better.reversed());
        for (int i = 0; i < logits.length; i++) {
            if (worstFirst.size() < k) {
                worstFirst.add(i);
            } else if (better.compare(i, worstFirst.peek()) < 0) {
                worstFirst.poll();
                worstFirst.add(i);
            }
        }
        int[] out = new int[worstFirst.size()];
        for (int i = out.length - 1; i >= 0; i--) out[i] = worstFirst.poll();
        return out;
    }

    /** Keeps the shortest prefix whose probability mass reaches {@code p}, then renormalises. */
    void topP(float p) {
        if (p >= 1.0f) return;
        double mass = 0;
        for (int i = 0; i < size; i++) {
            mass += probs[i];
            if (mass >= p) {
                size = i + 1;
                break;
            }
        }
        renormalise();
    }

    /** Keeps tokens whose probability is at least {@code minP} times the best one's. */
    void minP(float minP) {
        if (minP <= 0) return;
        double threshold = probs[0] * minP;
        int keep = 1;
        while (keep < size && probs[keep] >= threshold) keep++;
        size = keep;
        renormalise();
    }

    private void renormalise() {
        double total = 0;
        for (int i = 0; i < size; i++) total += probs[i];
        for (int i = 0; i < size; i++) probs[i] /= total;
    }

    /** Draws one id, {@code u} uniform in [0, 1), from the kept tokens. */
    int draw(double u) {
        double acc = 0;
        for (int i = 0; i < size; i++) {
            acc += probs[i];
            if (u < acc) return ids[i];
        }
        return ids[size - 1];
    }

    int[] keptIds() {
        return Arrays.copyOf(ids, size);
    }
}
