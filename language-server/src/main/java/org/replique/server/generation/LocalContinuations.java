package org.replique.server.generation;

import org.replique.engine.backend.Cancellation;
import org.replique.engine.generate.GenerationRequest;
import org.replique.engine.generate.TokenListener;
import org.replique.engine.session.SessionManager;
import org.replique.engine.session.SessionResult;

/** Continuations from the engine in this process: one KV-cache session per document. */
public final class LocalContinuations implements Continuations {
    private final SessionManager sessions;

    public LocalContinuations(SessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    public Continued supersede(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                               Cancellation cancel) {
        SessionResult r = sessions.supersede(key, ids(prompt), request, listener, cancel);
        return new Continued(r.generation().completions(), r.cost());
    }

    @Override
    public Continued complete(String key, PromptInput prompt, GenerationRequest request, TokenListener listener,
                              Cancellation cancel) {
        SessionResult r = sessions.complete(key, ids(prompt), request, listener, cancel);
        return new Continued(r.generation().completions(), r.cost());
    }

    @Override
    public void warm(String key, PromptInput prompt, Cancellation cancel) {
        int[] ids = ids(prompt);
        sessions.withSession(key, cancel, session -> session.warm(ids, cancel));
    }

    @Override
    public void forget(String key) {
        sessions.close(key);
    }

    @Override
    public int contextLength() {
        return sessions.contextLength();
    }

    /** The engine's sessions, for callers that measure them. */
    public SessionManager sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }

    private static int[] ids(PromptInput prompt) {
        if (!prompt.tokenized()) {
            throw new IllegalArgumentException("the local engine needs the prompt's token ids");
        }
        return prompt.ids();
    }
}
