package org.replique.server.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.replique.engine.tokenizer.Tokenizer;

/**
 * The token counts of the texts prompts are built from, remembered for one model: the lines of a
 * document stay the same from keystroke to keystroke, so each is counted once, not once per
 * request. Counted by the model's tokenizer when it is known in this process; otherwise by a
 * function (a remote server's {@code /tokenize}, or a character estimate). Bounded by the
 * characters it holds; the least recently used counts go first. Thread-safe.
 */
public final class TokenCounts {
    /** Texts longer than this (whole prompts) are not remembered: they rarely come back. */
    static final int LONGEST_REMEMBERED = 2_048;
    private static final long CHARACTERS_HELD = 4_000_000;

    private final Tokenizer tokenizer;
    private final ToIntFunction<String> counter;
    private final LinkedHashMap<String, Integer> counts = new LinkedHashMap<>(1024, 0.75f, true);
    private long characters;

    /** Exact counts from the model's own tokenizer. */
    public TokenCounts(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.counter = text -> tokenizer.encode(text, false, false).length;
    }

    /** Counts from {@code counter} (tokens of a text on its own, without BOS): the tokenizer is elsewhere. */
    public TokenCounts(ToIntFunction<String> counter) {
        this.tokenizer = null;
        this.counter = counter;
    }

    /** The model's tokenizer, when it is known in this process. */
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** Counts {@code text} (without BOS) afresh, without remembering it. */
    public int count(String text) {
        return counter.applyAsInt(text);
    }

    /** The remembered count of {@code text} (without BOS), or -1. */
    public int remembered(String text) {
        synchronized (counts) {
            Integer c = counts.get(text);
            return c == null ? -1 : c;
        }
    }

    /** Remembers that {@code text} has {@code count} tokens (without BOS), if it is short enough. */
    public void remember(String text, int count) {
        if (text.length() > LONGEST_REMEMBERED) return;
        synchronized (counts) {
            if (counts.put(text, count) == null) characters += text.length();
            var oldest = counts.entrySet().iterator();
            while (characters > CHARACTERS_HELD && oldest.hasNext()) {
                Map.Entry<String, Integer> e = oldest.next();
                characters -= e.getKey().length();
                oldest.remove();
            }
        }
    }
}
