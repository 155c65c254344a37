package org.replique.dialogue.prompt;

import java.util.function.ToIntFunction;

import org.replique.dialogue.claire.LabelStyle;

/**
 * How to build a prompt.
 *
 * @param budget       the most tokens the prompt may take
 * @param tokens       counts the tokens of a text (the engine's tokenizer, or {@link TokenCounters#approximate()})
 * @param labels       how speakers are marked
 * @param directions   what becomes of directions inside speeches
 * @param voiceLines   how many earlier lines of the character about to speak to put ahead of the
 *                     context so the model hears their voice (0: none)
 * @param windowSteps  the context's first turn moves in steps of about 1/windowSteps of the budget
 *                     (counted as {@value #CHARACTERS_PER_TOKEN} characters a token), so that the
 *                     prompt's beginning (and the model's cache) survives typing at its end; at
 *                     most one step of the budget goes unused
 * @param chunks       chunks of other files about the people of the scene
 * @param chunkBudget  the most tokens those chunks may take (at most a third of the budget; 0: none)
 */
public record PromptOptions(int budget, ToIntFunction<String> tokens, LabelStyle labels, DirectionPolicy directions,
                            int voiceLines, int windowSteps, ChunkSource chunks, int chunkBudget) {

    /** A French dialogue token is about three characters; only the window's step size depends on it. */
    public static final int CHARACTERS_PER_TOKEN = 3;

    public PromptOptions {
        if (budget <= 0 || windowSteps <= 0 || voiceLines < 0 || chunkBudget < 0) {
            throw new IllegalArgumentException("budget and window step must be positive, voice lines and chunk budget not negative");
        }
        if (chunks == null) {
            throw new IllegalArgumentException("chunks: use ChunkSource.NONE");
        }
    }

    /**
     * 2048 tokens counted approximately, labels as the document suggests, directions dropped, no
     * voice lines, steps of a quarter of the budget, no other file.
     */
    public static PromptOptions defaults() {
        return new PromptOptions(2048, TokenCounters.approximate(), LabelStyle.AUTO, DirectionPolicy.DROP, 0, 4,
                ChunkSource.NONE, 0);
    }

    /** The window's step in characters of context. */
    long windowQuantum() {
        return Math.max(1L, (long) budget * CHARACTERS_PER_TOKEN / windowSteps);
    }

    public PromptOptions withBudget(int tokensAllowed, ToIntFunction<String> counter) {
        return new PromptOptions(tokensAllowed, counter, labels, directions, voiceLines, windowSteps, chunks, chunkBudget);
    }

    public PromptOptions withLabels(LabelStyle style) {
        return new PromptOptions(budget, tokens, style, directions, voiceLines, windowSteps, chunks, chunkBudget);
    }

    public PromptOptions withDirections(DirectionPolicy policy) {
        return new PromptOptions(budget, tokens, labels, policy, voiceLines, windowSteps, chunks, chunkBudget);
    }

    public PromptOptions withVoiceLines(int lines) {
        return new PromptOptions(budget, tokens, labels, directions, lines, windowSteps, chunks, chunkBudget);
    }

    public PromptOptions withWindowSteps(int steps) {
        return new PromptOptions(budget, tokens, labels, directions, voiceLines, steps, chunks, chunkBudget);
    }

    /** Chunks of other files within {@code tokensAllowed} tokens (0: none). */
    public PromptOptions withChunks(ChunkSource source, int tokensAllowed) {
        return new PromptOptions(budget, tokens, labels, directions, voiceLines, windowSteps, source, tokensAllowed);
    }
}
