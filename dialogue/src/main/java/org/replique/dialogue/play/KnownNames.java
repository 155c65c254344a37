package org.replique.dialogue.play;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.replique.dialogue.document.Names;

/**
 * Character names a play is known to use (its cast list, its cues), to tell {@code M. JOURDAIN.}
 * from {@code M.} and to accept cues in mixed case ({@code Hamlet.}), which plain text cannot
 * otherwise tell from a sentence.
 */
public final class KnownNames {
    private static final KnownNames NONE = new KnownNames();

    private final TreeSet<String> keys = new TreeSet<>();
    /** Cues repeat: remembering each answer saves normalising the same names a hundred times. */
    private final Map<String, Boolean> answers = new HashMap<>();

    /** No names known: only capitalised cues are read. Shared: adding to it is refused. */
    public static KnownNames none() {
        return NONE;
    }

    public void add(String name) {
        if (this == NONE) {
            throw new UnsupportedOperationException("the empty set of names is shared");
        }
        String key = Names.key(name);
        if (!key.isEmpty()) {
            keys.add(key);
            answers.clear();
        }
    }

    public boolean contains(String name) {
        if (keys.isEmpty()) {
            return false;
        }
        return answers.computeIfAbsent(name, n -> keys.contains(Names.key(n)));
    }

    /** Whether a known name starts with this text, so reading a longer name is worth going on. */
    boolean continues(String prefix) {
        if (keys.isEmpty()) {
            return false;
        }
        String key = Names.key(prefix);
        String next = keys.ceiling(key);
        return next != null && next.startsWith(key);
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }
}
