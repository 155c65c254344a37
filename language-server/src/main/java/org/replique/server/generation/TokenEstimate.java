package org.replique.server.generation;

/**
 * Token counts without the model's tokenizer: a character estimate that errs on the high side, so
 * that a prompt built with it stays inside the budget. SentencePiece vocabularies of Mistral's kind
 * spend about one token per 3.5 to 4.5 characters of French dialogue; three characters per token
 * (and one more token per line) keeps the estimate above the truth for ordinary text.
 */
public final class TokenEstimate {
    /** Characters counted per token. */
    static final double CHARACTERS_PER_TOKEN = 3.0;

    private TokenEstimate() {}

    /** The estimated tokens of {@code text} on its own, without BOS. */
    public static int of(String text) {
        if (text.isEmpty()) return 0;
        int characters = text.codePointCount(0, text.length());
        int lines = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') lines++;
        }
        return (int) Math.ceil(characters / CHARACTERS_PER_TOKEN) + lines;
    }
}
