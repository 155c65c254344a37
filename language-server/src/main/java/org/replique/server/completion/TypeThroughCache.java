package org.replique.server.completion;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last suggestion shown in each document. When the writer types its beginning, the
 * rest is the next suggestion at once, without the model. Anything else (a deletion, other
 * text, typing past its end) forgets it, so a stale suggestion never comes back.
 *
 * <p>The text before the cursor is identified by its length and its last {@value #TAIL}
 * characters, so that a 10 MB document does not keep a 10 MB copy here.
 */
final class TypeThroughCache {
    private static final int TAIL = 256;

    private record Entry(int length, String tail, String suggestion) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Records that {@code suggestion} was offered with {@code before} as the text before the cursor. */
    void remember(String uri, CharSequence before, String suggestion) {
        int from = Math.max(0, before.length() - TAIL);
        entries.put(uri, new Entry(before.length(), before.subSequence(from, before.length()).toString(), suggestion));
    }

    /** The rest of the remembered suggestion, if the text before the cursor now extends into it. */
    Optional<String> rest(String uri, CharSequence before) {
        Entry e = entries.get(uri);
        if (e == null) return Optional.empty();
        if (before.length() >= e.length
                && before.subSequence(e.length - e.tail.length(), e.length).toString().equals(e.tail)) {
            String typed = before.subSequence(e.length, before.length()).toString();
            if (e.suggestion.startsWith(typed) && e.suggestion.length() > typed.length()) {
                return Optional.of(e.suggestion.substring(typed.length()));
            }
        }
        entries.remove(uri);
        return Optional.empty();
    }

    void forget(String uri) {
        entries.remove(uri);
    }
}
