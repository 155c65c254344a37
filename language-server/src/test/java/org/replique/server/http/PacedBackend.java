package org.replique.server.http;

import java.util.concurrent.atomic.AtomicLong;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.Model;

/**
 * The real backend, made as slow per step as a large model on a busy machine: each forward pass
 * waits {@code pauseMillis} first, so that tests can interrupt a generation half-way. It counts
 * the passes, which shows when generation stops.
 */
public final class PacedBackend implements Backend {
    private final Backend inner;
    private final long pauseMillis;
    private final AtomicLong passes = new AtomicLong();

    public PacedBackend(Backend inner, long pauseMillis) {
        this.inner = inner;
        this.pauseMillis = pauseMillis;
    }

    /** Forward passes so far. */
    public long passes() {
        return passes.get();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String description() {
        return inner.description() + ", paced " + pauseMillis + " ms";
    }

    @Override
    public Model model() {
        return inner.model();
    }

    @Override
    public InferenceState newState(int contextLength) {
        return inner.newState(contextLength);
    }

    @Override
    public float[] forward(InferenceState state, int[] tokens, int offset, int count, Cancellation cancel) {
        passes.incrementAndGet();
        long until = System.nanoTime() + pauseMillis * 1_000_000;
        while (System.nanoTime() < until) {
            cancel.check();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted");
            }
        }
        return inner.forward(state, tokens, offset, count, cancel);
    }

    @Override
    public void close() {
        inner.close();
    }
}
