package org.replique.engine.generate;

/**
 * Receives generation as it happens. {@code text} is only ever whole characters, and never text
 * that a stop string would later remove.
 */
@FunctionalInterface
public interface TokenListener {
    TokenListener NONE = (candidate, token, text) -> {};

    /** The token id passed with text released at the end of a candidate (held-back bytes or stop-string tails). */
    int NO_TOKEN = -1;

    void onToken(int candidate, int token, String text);
}
