package org.replique.server.completion;

import org.replique.engine.backend.Cancellation;

/**
 * Cancels work when the caller cancels or when a time budget runs out. The generator returns what
 * it has produced so far when this fires during generation, which is what a writer wants from a
 * slow model: part of a line now rather than a whole line too late.
 */
final class Deadline extends Cancellation {
    private final Cancellation caller;
    private final long deadlineNanos;

    Deadline(Cancellation caller, long budgetMillis) {
        this.caller = caller;
        this.deadlineNanos = System.nanoTime() + budgetMillis * 1_000_000L;
    }

    @Override
    public boolean isCancelled() {
        return super.isCancelled() || caller.isCancelled() || System.nanoTime() > deadlineNanos;
    }

    boolean expired() {
        return System.nanoTime() > deadlineNanos;
    }
}
