package org.replique.engine.generate;

import java.util.List;

/**
 * The outcome of a generation.
 *
 * @param promptTokens  the prompt's ids
 * @param promptLogits  the logits after the prompt (the next-token distribution)
 * @param evaluated     how many prompt tokens had to be evaluated (the rest came from the cache)
 * @param completions   one per candidate
 * @param stateTokens   the tokens the state's cache now holds, in order
 */
public record GenerationResult(int[] promptTokens, float[] promptLogits, int evaluated, List<Completion> completions,
                               int[] stateTokens) {

    public Completion first() {
        return completions.getFirst();
    }
}
