package org.replique.server.completion;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.replique.dialogue.prompt.ContinuationKind;
import org.replique.engine.generate.TokenListener;

/**
 * Watches one speech being written and says when the writer should see it, while the model goes
 * on: once the time budget has run out since the first token, at the end of the last sentence
 * written; once twice the budget has, at the end of the last whole word. Never before a whole word
 * of speech: a slow or busy machine shows a short suggestion late, not a letter on time.
 */
final class SpeechBudget implements TokenListener {
    private final long budgetNanos;
    private final ContinuationKind kind;
    private final LongSupplier clock;
    private final Consumer<String> onCut;
    private final StringBuilder text = new StringBuilder();
    private long firstToken = -1;
    private int tokens;
    private String cut;

    /**
     * @param budgetMillis the budget in milliseconds; 0 or less: never cut
     * @param kind         what the prompt asked for (a new turn starts with its speaker's label)
     * @param clock        nanoseconds, as {@link System#nanoTime()}
     * @param onCut        receives the model's text up to the cut, once, on the generating thread
     */
    SpeechBudget(long budgetMillis, ContinuationKind kind, LongSupplier clock, Consumer<String> onCut) {
        this.budgetNanos = budgetMillis <= 0 ? 0 : budgetMillis * 1_000_000L;
        this.kind = kind;
        this.clock = clock;
        this.onCut = onCut;
    }

    @Override
    public void onToken(int candidate, int token, String piece) {
        long now = clock.getAsLong();
        if (firstToken < 0) firstToken = now;
        if (token != NO_TOKEN) tokens++;
        text.append(piece);
        if (cut != null || budgetNanos == 0) return;
        long elapsed = now - firstToken;
        if (elapsed < budgetNanos) return;
        int from = SpeechCut.speechStart(text, kind);
        int at = SpeechCut.lastSentenceEnd(text, from);
        if (at < 0 && elapsed >= 2 * budgetNanos) at = SpeechCut.lastWordEnd(text, from);
        if (at >= 0) {
            cut = text.substring(0, at);
            onCut.accept(cut);
        }
    }

    /** The text at the cut, or null while none was made. */
    String cut() {
        return cut;
    }

    /** Tokens seen, and tokens per second since the first one (0 before two tokens). */
    int tokens() {
        return tokens;
    }

    double tokensPerSecond() {
        long elapsed = firstToken < 0 ? 0 : clock.getAsLong() - firstToken;
        return tokens < 2 || elapsed <= 0 ? 0 : (tokens - 1) * 1e9 / elapsed;
    }
}
