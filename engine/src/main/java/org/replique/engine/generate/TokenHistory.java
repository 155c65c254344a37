package org.replique.engine.generate;

import java.util.Arrays;

/** The token ids a sequence state holds, in order, kept beside the state to find reusable prefixes. */
public final class TokenHistory {
    private int[] tokens = new int[64];
    private int length;

    public int length() {
        return length;
    }

    /** The backing array; only the first {@link #length()} entries are meaningful. */
    int[] tokens() {
        return tokens;
    }

    public int[] toArray() {
        return Arrays.copyOf(tokens, length);
    }

    /** Length of the longest common prefix with {@code other}. */
    public int commonPrefix(int[] other) {
        int n = Math.min(length, other.length);
        int i = 0;
        while (i < n && tokens[i] == other[i]) i++;
        return i;
    }

    public void truncate(int newLength) {
        length = Math.min(length, Math.max(0, newLength));
    }

    /** Holds the first {@code count} ids of {@code source}. */
    void set(int[] source, int count) {
        ensure(count);
        System.arraycopy(source, 0, tokens, 0, count);
        length = count;
    }

    void append(int token) {
        ensure(length + 1);
        tokens[length++] = token;
    }

    private void ensure(int capacity) {
        if (capacity > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(capacity, tokens.length * 2));
    }
}
