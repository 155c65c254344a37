package org.replique.server.http;

import org.replique.engine.backend.Backend;
import org.replique.engine.backend.InferenceState;
import org.replique.engine.model.Model;
import org.replique.engine.session.SessionManager;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * The model behind {@code serve --http}: weights, backend, and the KV-cache sessions the
 * requests share, with room for {@code sessions} of them at once.
 *
 * @param name the id the API lists and answers with
 */
public record ServedModel(String name, Model model, Backend backend, SessionManager sessions, int sessionCount)
        implements AutoCloseable {

    /** Sessions of {@code contextLength} positions, memory reserved for {@code sessionCount} of them. */
    public static ServedModel of(String name, Model model, Backend backend, int contextLength, int sessionCount) {
        if (sessionCount < 1) throw new IllegalArgumentException("at least one session");
        long bytes;
        try (InferenceState probe = backend.newState(contextLength)) {
            bytes = probe.memoryBytes();
        }
        return new ServedModel(name, model, backend, new SessionManager(backend, contextLength, bytes * sessionCount),
                sessionCount);
    }

    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    public int contextLength() {
        return sessions.contextLength();
    }

    @Override
    public void close() {
        sessions.close();
        backend.close();
        model.close();
    }
}
