package org.replique.server.completion;

import java.util.function.ToIntFunction;
import org.replique.engine.tokenizer.Tokenizer;
import org.replique.server.model.TokenCounts;

/**
 * The token counter one request's prompt is built with, and that prompt's ids: the lines come from
 * the model's remembered counts, and the whole prompt, which the builder counts last, is encoded
 * once; {@link #ids} reuses that encoding. Without a tokenizer in this process (a remote model),
 * the counts come from the model's counter and there are no ids. One per request: not thread-safe.
 */
final class PromptTokens implements ToIntFunction<String> {
    private final TokenCounts counts;
    private final Tokenizer tokenizer;
    private String lastText;
    private int[] lastIds;

    PromptTokens(TokenCounts counts) {
        this.counts = counts;
        this.tokenizer = counts.tokenizer().orElse(null);
    }

    /** Tokens of {@code text} on its own, without BOS. */
    @Override
    public int applyAsInt(String text) {
        if (text.isEmpty()) return 0;
        int remembered = counts.remembered(text);
        if (remembered >= 0) return remembered;
        int count;
        if (tokenizer != null) {
            int[] ids = tokenizer.encode(text, false, false);
            lastText = text;
            lastIds = ids;
            count = ids.length;
        } else {
            count = counts.count(text);
        }
        counts.remember(text, count);
        return count;
    }

    /**
     * The ids the model gets for {@code prompt}: BOS when the vocabulary adds one, then the text's
     * tokens; null when the tokenizer is not known here.
     */
    int[] ids(String prompt) {
        if (tokenizer == null) return null;
        int[] text = prompt.equals(lastText) ? lastIds : tokenizer.encode(prompt, false, false);
        int bos = tokenizer.vocabulary().bos();
        if (!tokenizer.vocabulary().addBos() || bos < 0) return text.clone();
        int[] ids = new int[text.length + 1];
        ids[0] = bos;
        System.arraycopy(text, 0, ids, 1, text.length);
        return ids;
    }
}
