package org.replique.server.remote;

import java.time.Duration;
import java.util.function.ToIntFunction;
import org.replique.server.generation.TimeLimit;
import org.replique.server.generation.TokenEstimate;

/**
 * Token counts from the server's {@code /tokenize} (vLLM, llama-server, Réplique), for a model
 * whose tokenizer is not known in this process. A count the server cannot give in time is
 * estimated instead ({@link TokenEstimate}), and after a failure the server is left alone for a
 * while, so that a slow or unreachable server never holds a keystroke up for long.
 */
public final class RemoteTokenCounter implements ToIntFunction<String> {
    static final Duration PATIENCE = Duration.ofSeconds(1);
    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(30);

    private final OpenAiClient client;
    private final String model;
    private volatile long pausedUntil;

    public RemoteTokenCounter(OpenAiClient client, String model) {
        this.client = client;
        this.model = model;
    }

    @Override
    public int applyAsInt(String text) {
        if (text.isEmpty()) return 0;
        if (System.nanoTime() - pausedUntil < 0) return TokenEstimate.of(text);
        try {
            return client.tokenCount(model, text, TimeLimit.of(PATIENCE));
        } catch (RuntimeException e) {
            pausedUntil = System.nanoTime() + PAUSE_AFTER_FAILURE.toNanos();
            return TokenEstimate.of(text);
        }
    }
}
