package org.replique.engine.session;

/**
 * What one request on a {@link CompletionSession} cost. Times are measured from the moment the
 * request had the session to itself, so they do not include {@code waitNanos}.
 *
 * @param promptTokens    the prompt's length in tokens
 * @param reusedTokens    prompt tokens whose keys and values came from the cache
 * @param evaluatedTokens prompt tokens that had to be evaluated (at least one, for fresh logits)
 * @param generatedTokens tokens generated, every candidate included
 * @param waitNanos       time spent waiting for an earlier request on the same session
 * @param prefillNanos    time to evaluate the prompt
 * @param firstTokenNanos time to the first generated token, or to the end of the request when it
 *                        generated none (a prefill-only request, or an immediate end of sequence)
 * @param totalNanos      time to the end of the request
 */
public record RequestCost(int promptTokens, int reusedTokens, int evaluatedTokens, int generatedTokens,
                          long waitNanos, long prefillNanos, long firstTokenNanos, long totalNanos) {

    public double firstTokenMillis() {
        return firstTokenNanos / 1e6;
    }
}
