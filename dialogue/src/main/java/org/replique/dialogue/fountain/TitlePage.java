package org.replique.dialogue.fountain;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The title page's line shapes: {@code Key: value} and indented continuation lines.
 *
 * <p>Fountain allows any key, so a play typed as {@code ALCESTE: Laissez-moi…} on the first line
 * would become a title page. A title page therefore starts only with a key that is a known one
 * ({@code Title}, {@code Author}…) or has a lower-case letter ({@code Draft date}, {@code Foo});
 * an all-capitals key on the first line is a cue, a transition or action. Once the page has
 * started, any key is an entry.
 */
final class TitlePage {
    private TitlePage() {}

    private static final Pattern ENTRY = Pattern.compile("^([\\p{L}\\p{N}][\\p{L}\\p{N} ]*?)[ \\t]*:[ \\t]*(.*?)\\s*$");
    private static final Set<String> KNOWN_KEYS = Set.of("title", "credit", "author", "authors", "source",
            "draft date", "date", "contact", "copyright", "notes", "revision", "revisions");

    /** The key and value of an entry line, or null. */
    static String[] entry(String line) {
        Matcher m = ENTRY.matcher(line);
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }

    /** Whether the document's first line opens a title page. */
    static boolean opens(String line) {
        String[] entry = entry(line);
        if (entry == null) {
            return false;
        }
        String key = entry[0];
        return KNOWN_KEYS.contains(key.toLowerCase(Locale.ROOT)) || !key.equals(key.toUpperCase(Locale.ROOT));
    }

    /** A value line under a key: indented by three spaces or a tab. */
    static boolean isContinuation(String line) {
        return line.startsWith("\t") || line.startsWith("   ");
    }
}
