package org.replique.server.http;

import java.util.concurrent.atomic.AtomicLong;

/** What the server has done since it started (for {@code /health} and the tests). */
public final class ServerStats {
    final AtomicLong completed = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong unauthorized = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong cachedTokens = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();

    /** Requests answered in full. */
    public long completed() {
        return completed.get();
    }

    /** Requests whose client went away before the end (their generation stopped). */
    public long abandoned() {
        return abandoned.get();
    }

    /** Requests refused because the queue was full (503). */
    public long refused() {
        return refused.get();
    }

    /** Requests refused for a missing or wrong API key (401). */
    public long unauthorized() {
        return unauthorized.get();
    }

    public long promptTokens() {
        return promptTokens.get();
    }

    /** Prompt tokens whose keys and values came from a session's cache. */
    public long cachedTokens() {
        return cachedTokens.get();
    }

    /** Tokens generated, abandoned requests included. */
    public long generatedTokens() {
        return generatedTokens.get();
    }
}
