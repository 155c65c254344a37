package org.replique.engine.sampling;

import java.util.SplittableRandom;

/**
 * Chooses tokens: repetition penalty, then greedy argmax, or temperature → top-k → top-p → min-p
 * → a draw from what is left. One sampler is one random stream; it is not thread-safe.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * Picks the next token. {@code history} holds the tokens so far (prompt and generated), of
     * which the last {@code historyLength} count; {@code logits} is not modified.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        float[] l = applyRepeatPenalty(logits, history, historyLength);
        if (params.greedy()) {
            return argmax(l);
        }
        Candidates c = Candidates.of(l, params.temperature(), params.topK());
        c.topP(params.topP());
        c.minP(params.minP());
        return c.draw(random.nextDouble());
    }

    private float[] applyRepeatPenalty(float[] logits, int[] history, int historyLength) {
        if (params.repeatPenalty() == 1.0f || params.repeatWindow() == 0 || historyLength == 0) {
            return logits;
        }
        float[] l = logits.clone();
        boolean[] seen = new boolean[l.length];
        for (int i = Math.max(0, historyLength - params.repeatWindow()); i < historyLength; i++) {
            int t = history[i];
            if (t < 0 || t >= l.length || seen[t]) continue;
            seen[t] = true;
            l[t] = l[t] > 0 ? l[t] / params.repeatPenalty() : l[t] * params.repeatPenalty();
        }
        return l;
    }

    /** Index of the largest logit; the lowest index on ties (as llama.cpp's greedy sampler). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        return best;
    }

    /** Ids of the {@code k} highest logits, best first. */
    public static int[] topIds(float[] logits, int k) {
        return Candidates.best(logits, Math.min(k, logits.length));
    }

    /** The ids a non-greedy draw can pick from these logits (for tests and diagnostics). */
    public int[] keptIds(float[] logits) {
        Candidates c = Candidates.of(logits, Math.max(params.temperature(), Float.MIN_NORMAL), params.topK());
        c.topP(params.topP());
        c.minP(params.minP());
        return c.keptIds();
    }
}
