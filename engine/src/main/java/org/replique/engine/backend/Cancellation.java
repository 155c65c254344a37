package org.replique.engine.backend;

import java.util.concurrent.CancellationException;

/**
 * A flag a caller sets to stop work in progress; the work checks it at safe points (between
 * layers, between tokens). Subclasses may add their own condition, such as a deadline.
 */
public class Cancellation {
    /** Never cancelled. */
    public static final Cancellation NONE = new Cancellation();

    private volatile boolean cancelled;

    public void cancel() {
        if (this == NONE) throw new UnsupportedOperationException("Cancellation.NONE cannot be cancelled");
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link CancellationException} when cancelled. */
    public final void check() {
        if (isCancelled()) throw new CancellationException("cancelled");
    }
}
