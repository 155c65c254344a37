package org.replique.engine.backend;

import org.replique.engine.model.Model;

/**
 * Where a model's forward pass runs (the CPU, a GPU through TornadoVM, ...). A backend holds
 * whatever it prepared once from the shared, immutable weights; each sequence has its own
 * {@link InferenceState}. A state is used by one thread at a time; several states may run
 * concurrently on one backend.
 */
public interface Backend extends AutoCloseable {

    /** A short name: {@code cpu}, {@code tornadovm}, ... */
    String name();

    /** A one-line description for logs: kernels, threads, device. */
    String description();

    Model model();

    /** Host threads the backend computes with (for status displays). */
    default int threads() {
        return 1;
    }

    /** A new, empty sequence state able to hold {@code contextLength} positions. */
    InferenceState newState(int contextLength);

    /**
     * Evaluates {@code count} tokens from {@code tokens[offset]} at the next positions of
     * {@code state} (appending them to its cache) and returns the logits after the last one.
     * Tokens may be evaluated in chunks; when {@code cancel} fires, the state keeps the chunks
     * that completed and a {@link java.util.concurrent.CancellationException} is thrown.
     */
    float[] forward(InferenceState state, int[] tokens, int offset, int count, Cancellation cancel);

    @Override
    void close();
}
