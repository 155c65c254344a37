package org.replique.server.completion;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last suggestion shown in each document. When the writer types its beginning, the
 * rest is the next suggestion at once, without the model. Anything else (a deletion, other
 * text, typing past its end, an edit anywhere above the cursor) forgets it, so a stale suggestion
 * never comes back.
 *
 * <p>The text before the cursor is identified by its length and its SHA-256 digest, so that a
 * 10 MB document does not keep a 10 MB copy here, and an edit far above the cursor that keeps the
 * length is noticed all the same.
 */
final class TypeThroughCache {
    private record Entry(int length, byte[] digest, String suggestion) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Records that {@code suggestion} was offered with {@code before} as the text before the cursor. */
    void remember(String uri, CharSequence before, String suggestion) {
        entries.put(uri, new Entry(before.length(), digest(before, before.length()), suggestion));
    }

    /** The rest of the remembered suggestion, if the text before the cursor now extends into it. */
    Optional<String> rest(String uri, CharSequence before) {
        Entry e = entries.get(uri);
        if (e == null) return Optional.empty();
        if (before.length() >= e.length) {
            String typed = before.subSequence(e.length, before.length()).toString();
            if (e.suggestion.startsWith(typed) && e.suggestion.length() > typed.length()
                    && Arrays.equals(digest(before, e.length), e.digest)) {
                return Optional.of(e.suggestion.substring(typed.length()));
            }
        }
        entries.remove(uri);
        return Optional.empty();
    }

    void forget(String uri) {
        entries.remove(uri);
    }

    /** SHA-256 of the first {@code length} UTF-16 code units of {@code text}. */
    private static byte[] digest(CharSequence text, int length) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[8192];
        int filled = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            buffer[filled++] = (byte) (c >>> 8);
            buffer[filled++] = (byte) c;
            if (filled == buffer.length) {
                sha.update(buffer, 0, filled);
                filled = 0;
            }
        }
        sha.update(buffer, 0, filled);
        return sha.digest();
    }
}
