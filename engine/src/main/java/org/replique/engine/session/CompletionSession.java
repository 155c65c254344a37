package org.replique.engine.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.generate.Completion;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.GenerationResult;
import org.replique.engine.generate.Generator;
import org.replique.engine.generate.TokenHistory;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.sampling.SamplingParams;

/**
 * One document's sequence state: a KV cache and the token ids it holds, kept from request to
 * request so that each one evaluates only what follows the longest common token prefix with the
 * previous one (at least one token, for fresh logits). Generated tokens stay in the cache, so
 * text the user types through after accepting a completion is already evaluated.
 *
 * <p>One request runs at a time; others wait in arrival order. {@link #cancel()} stops the
 * running and waiting requests, and {@link #supersede} does the same before queuing its own, so
 * that a keystroke replaces the completion of the previous one. Whenever a request stops (it
 * completes, is cancelled in the prompt or in generation, or fails), the cache holds a valid
 * prefix of what was evaluated and the next request continues from there.
 *
 * <p>A cancelled request throws {@link CancellationException} when it is cancelled before its
 * prompt is evaluated; cancelled during generation, it returns what it generated, with
 * {@link org.replique.engine.generate.StopReason#CANCELLED}.
 */
public final class CompletionSession implements AutoCloseable {
    private final Generator generator;
    private final int capacity;
    /** Fair, so that waiting requests run in the order they arrived. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** The cancellations of the running and the waiting requests; guarded by itself. */
    private final List<Cancellation> active = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final TokenHistory held = new TokenHistory();
    /** Written under {@link #lock}; null once closed. */
    private volatile InferenceState state;
    private volatile int[] heldSnapshot = new int[0];
    private volatile boolean closed;

    /** A session on {@code backend} whose cache holds up to {@code contextLength} positions. */
    public CompletionSession(Backend backend, int contextLength) {
        this.generator = new Generator(backend);
        this.state = backend.newState(contextLength);
        this.capacity = state.capacity();
    }

    /**
     * Brings the cache to {@code prompt} and generates after it, once the requests before this one
     * have finished. {@code cancel} may be {@link Cancellation#NONE}; {@link #cancel()} reaches the
     * request either way.
     */
    public SessionResult complete(int[] prompt, GenerationRequest request, TokenListener listener, Cancellation cancel) {
        return run(prompt, request, listener, cancel, false);
    }

    /** Cancels the running and waiting requests, then runs this one as {@link #complete} does. */
    public SessionResult supersede(int[] prompt, GenerationRequest request, TokenListener listener,
                                   Cancellation cancel) {
        return run(prompt, request, listener, cancel, true);
    }

    /** Evaluates {@code prompt} without generating, so that the next request on it is warm. */
    public SessionResult warm(int[] prompt, Cancellation cancel) {
        return complete(prompt, GenerationRequest.of(SamplingParams.greedyDecoding(), 0), TokenListener.NONE, cancel);
    }

    /** Cancels the running request and every waiting one. */
    public void cancel() {
        synchronized (active) {
            active.forEach(Cancellation::cancel);
        }
    }

    /** Whether a request holds the session now. */
    public boolean isRunning() {
        return lock.isLocked();
    }

    /** The most positions the cache holds (prompt and generated tokens together). */
    public int capacity() {
        return capacity;
    }

    /** The token ids the cache held when the last request ended. */
    public int[] tokens() {
        return heldSnapshot.clone();
    }

    /** Bytes held by the cache and its scratch buffers; 0 once closed. */
    public long memoryBytes() {
        InferenceState s = state;
        return s == null ? 0 : s.memoryBytes();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Cancels the running and waiting requests, waits for the running one to stop and drops the
     * cache. Later requests fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closed = true;
        cancel();
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private SessionResult run(int[] prompt, GenerationRequest request, TokenListener listener, Cancellation cancel,
                              boolean supersede) {
        // Cancellation.NONE cannot be cancelled, and cancel() must be able to stop every request.
        Cancellation own = cancel == Cancellation.NONE ? new Cancellation() : cancel;
        long arrived = System.nanoTime();
        synchronized (active) {
            if (supersede) active.forEach(Cancellation::cancel);
            active.add(own);
        }
        try {
            try {
                lock.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for the session");
            }
            try {
                own.check();
                if (closed) throw new IllegalStateException("the session is closed");
                return evaluate(prompt, request, listener, own, System.nanoTime() - arrived);
            } finally {
                if (closed) release();
                lock.unlock();
            }
        } finally {
            synchronized (active) {
                active.remove(own);
            }
        }
    }

    /** Runs one request; the caller holds the lock. */
    private SessionResult evaluate(int[] prompt, GenerationRequest request, TokenListener listener, Cancellation cancel,
                                   long waitNanos) {
        long start = System.nanoTime();
        long[] firstToken = {-1};
        TokenListener timed = (candidate, token, text) -> {
            if (firstToken[0] < 0 && token != TokenListener.NO_TOKEN) firstToken[0] = System.nanoTime();
            listener.onToken(candidate, token, text);
        };
        try {
            Generator.Prefill prefill = generator.prefill(state, held, prompt, cancel);
            long prefilled = System.nanoTime();
            GenerationResult result = generator.generate(state, held, prompt, prefill, request, timed, cancel);
            long end = System.nanoTime();
            int generated = 0;
            for (Completion c : result.completions()) generated += c.tokens().length;
            RequestCost cost = new RequestCost(prompt.length, prompt.length - prefill.evaluated(), prefill.evaluated(),
                    generated, waitNanos, prefilled - start, (firstToken[0] < 0 ? end : firstToken[0]) - start,
                    end - start);
            return new SessionResult(result, cost);
        } finally {
            // The generator keeps the two in step, a failure in the middle of the prompt excepted
            // (the state then holds chunks the history does not list): keep what both agree on.
            if (held.length() != state.length()) {
                held.truncate(state.truncate(Math.min(held.length(), state.length())));
            }
            heldSnapshot = held.toArray();
        }
    }

    /** Drops the cache; the caller holds the lock. */
    private void release() {
        InferenceState s = state;
        if (s != null) {
            state = null;
            s.close();
            held.truncate(0);
            heldSnapshot = new int[0];
        }
    }
}
