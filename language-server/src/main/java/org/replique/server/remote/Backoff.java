package org.replique.server.remote;

import java.time.Duration;

/**
 * Waits between tries of a transient failure: doubling from {@code first} up to {@code max}, or
 * what the server asked for with {@code Retry-After}; at most {@code attempts} tries, and never
 * beyond the request's own deadline.
 */
public record Backoff(int attempts, Duration first, Duration max) {

    /** Four tries, 250 ms, 500 ms and 1 s apart (a budgeted request stops earlier). */
    public static final Backoff DEFAULT = new Backoff(4, Duration.ofMillis(250), Duration.ofSeconds(4));

    public Backoff {
        if (attempts < 1) throw new IllegalArgumentException("at least one attempt");
    }

    /** The wait after the {@code failures}-th failure in a row (1-based), or the server's. */
    Duration wait(int failures, Duration retryAfter) {
        if (retryAfter != null) return retryAfter;
        Duration d = first.multipliedBy(1L << Math.min(20, Math.max(0, failures - 1)));
        return d.compareTo(max) > 0 ? max : d;
    }
}
