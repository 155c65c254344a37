package org.replique.engine.backend;

import java.util.concurrent.CancellationException;

/** A flag a caller sets to stop work in progress; the work checks it at safe points. */
public final class Cancellation {
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
    public void check() {
        if (cancelled) throw new CancellationException("cancelled");
    }
}
