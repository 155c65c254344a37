package org.replique.engine.sampling;

/**
 * How the next token is chosen from the logits. The defaults are the Claire model card's:
 * {@code top_k = 10, temperature = 1.0}.
 *
 * @param temperature   ≤ 0 means greedy (argmax)
 * @param topK          keep the k most likely tokens (≤ 0: all)
 * @param topP          keep the smallest set whose probability reaches p (≥ 1: all)
 * @param minP          drop tokens less likely than minP × the most likely one (≤ 0: none)
 * @param repeatPenalty divide positive / multiply negative logits of recent tokens (1: none)
 * @param repeatWindow  how many recent tokens the penalty looks at
 * @param seed          the random stream; the same seed gives the same choices
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty,
                             int repeatWindow, long seed) {

    public SamplingParams {
        if (Float.isNaN(temperature) || temperature < 0) throw new IllegalArgumentException("temperature must be ≥ 0");
        if (!(topP > 0)) throw new IllegalArgumentException("top-p must be in (0, 1]");
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min-p must be in [0, 1]");
        if (!(repeatPenalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0");
        if (repeatWindow < 0) throw new IllegalArgumentException("repetition window must be ≥ 0");
    }

    /** The model card's suggestion: top-k 10 at temperature 1. */
    public static SamplingParams modelCard(long seed) {
        return new SamplingParams(1.0f, 10, 1.0f, 0.0f, 1.0f, 64, seed);
    }

    public static SamplingParams greedyDecoding() {
        return new SamplingParams(0f, 0, 1.0f, 0.0f, 1.0f, 64, 0);
    }

    public boolean greedy() {
        return temperature <= 0;
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatWindow, newSeed);
    }
}
