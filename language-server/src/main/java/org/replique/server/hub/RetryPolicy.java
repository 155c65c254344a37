package org.replique.server.hub;

import java.time.Duration;

/**
 * How hard to try before giving up on the network: attempts per request, exponential backoff
 * between them (or the server's {@code Retry-After}, capped), and how long a connection may stay
 * silent before it counts as dropped. A download that made progress before failing starts its
 * count again: it resumes from where it stopped.
 *
 * @param attempts    tries per request, the first included
 * @param idleTimeout silence (no headers, no bytes) after which a transfer is abandoned and retried
 */
public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter,
                          Duration connectTimeout, Duration idleTimeout, Sleeper sleeper) {

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMinutes(5), Duration.ofSeconds(15), Duration.ofSeconds(60), Sleeper.REAL);

    public RetryPolicy {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be ≥ 1");
    }

    /** The wait after the {@code failures}-th failure in a row: 1, 2, 4… times the first, at most the max. */
    Duration backoff(int failures) {
        long factor = 1L << Math.min(20, Math.max(0, failures - 1));
        Duration d = firstBackoff.multipliedBy(factor);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** The wait a server asked for, kept within bounds. */
    Duration retryAfter(Duration asked) {
        return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
    }
}
