package org.replique.server.model;

import java.util.List;

/**
 * The last suggestion, as the status shows it: how long the writer waited, how fast the model
 * wrote, and what the prompt held.
 *
 * @param source          {@code model} (written now), {@code ahead} (written before it was asked for:
 *                        the rest of a suggestion, or the next speech) or {@code cue} (a cue's rest)
 * @param latencyMs       from the request's arrival to the answer
 * @param tokensPerSecond the model's writing speed for it (0 when it did not write)
 * @param promptTokens    the prompt's tokens (0 when the model did not run)
 * @param reusedTokens    of those, the ones the cache already held
 * @param generatedTokens tokens written
 * @param cut             shown before the model had finished the speech (the time budget)
 * @param context         the chunks of other files the prompt started with ({@code acte1.play.txt: MARIE (speech)})
 */
public record SuggestionStats(String source, long latencyMs, double tokensPerSecond, int promptTokens, int reusedTokens,
                              int generatedTokens, boolean cut, List<String> context) {
    public SuggestionStats {
        context = List.copyOf(context);
    }
}
