package org.replique.server.bench;

/**
 * A fixed prompt for speed tests on models whose vocabulary means nothing (random weights): BOS
 * followed by ids from a 32-bit linear congruential generator over the ordinary tokens (ids 259
 * and up, past the control and byte tokens). It is the prompt the project's llama.cpp reference
 * tool uses for {@code --synthetic-prompt N}, so both engines evaluate the same tokens.
 */
public final class SyntheticPrompt {
    private static final int FIRST_ORDINARY = 259;

    private SyntheticPrompt() {}

    /** {@code length} tokens: {@code bos} (when ≥ 0) then pseudo-random ids below {@code vocabSize}. */
    public static int[] tokens(int length, int bos, int vocabSize) {
        if (vocabSize <= FIRST_ORDINARY) throw new IllegalArgumentException("vocabulary of " + vocabSize + " is too small");
        int[] tokens = new int[length];
        int i = 0;
        if (bos >= 0 && length > 0) tokens[i++] = bos;
        long s = 12345;
        while (i < length) {
            s = (s * 1103515245L + 12345) & 0xffffffffL;
            tokens[i++] = FIRST_ORDINARY + (int) (s % (vocabSize - FIRST_ORDINARY));
        }
        return tokens;
    }
}
