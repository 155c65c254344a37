package org.replique.server.bench;

import java.nio.file.Path;
import org.replique.engine.backend.Backend;
import org.replique.engine.session.CompletionSession;

/**
 * Typing at the end of a real document, one character per request, as an editor asks for
 * suggestions: what each request evaluates and how long it waits for its first new token.
 */
public final class TypingBench {
    private TypingBench() {}

    /**
     * Replays the last {@code chars} characters of {@code text}, each request generating
     * {@code tokens} tokens from a prompt of at most {@code budget} tokens.
     */
    public static TypingReplay.Report run(Backend backend, Path document, String text, int chars, int tokens,
                                          int budget, int contextLength) {
        try (CompletionSession session = new CompletionSession(backend, contextLength)) {
            var prompts = PromptAtEnd.forDocument(document.getFileName().toString(), backend.model().tokenizer(), budget);
            return new TypingReplay(session, backend.model().tokenizer(), prompts, TypingReplay.nextTokens(tokens))
                    .replayAtEnd(text, chars);
        }
    }
}
