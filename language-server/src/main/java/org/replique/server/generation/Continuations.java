package org.replique.server.generation;

import java.util.concurrent.CancellationException;
import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;

/**
 * Where suggestions come from: continuations of a prompt, streamed and cancellable, in a named
 * session (one per document). The engine's sessions in this process implement it
 * ({@link LocalContinuations}), and so does a client of an OpenAI-compatible server. Callers build
 * the prompt and render the answer; this seam only turns a prompt into text.
 */
public interface Continuations extends AutoCloseable {

    /**
     * Generates after {@code prompt} in session {@code key}, cancelling that session's earlier
     * requests first (a keystroke replaces the suggestion of the previous one). {@code listener}
     * receives the text as it is generated; {@code cancel} (a caller, or a time budget) stops the
     * request, which then returns what it has. Throws {@link CancellationException} when cancelled
     * before anything was generated.
     */
    Continued supersede(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                        Cancellation cancel);

    /**
     * Generates after {@code prompt} in session {@code key} behind that session's earlier requests,
     * cancelling none of them: text written ahead of the writer while the suggestion on screen may
     * still be being written. A later {@link #supersede} on the session cancels it like the others.
     */
    Continued complete(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                       Cancellation cancel);

    /**
     * Prepares session {@code key} for {@code prompt} without generating, so that the next request
     * on it is fast; throws {@link CancellationException} when a request for the session comes first.
     */
    void warm(String key, PromptInput prompt, Cancellation cancel);

    /** Forgets session {@code key} (its document was closed); its running request is cancelled. */
    void forget(String key);

    /** The positions one session holds, prompt and generated tokens together. */
    int contextLength();

    @Override
    void close();
}
