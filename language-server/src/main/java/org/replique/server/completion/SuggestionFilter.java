package org.replique.server.completion;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.replique.server.documents.TextDocument;

/**
 * Drops suggestions a writer would not want: empty ones, duplicates, one that repeats the line
 * that already follows the cursor, and one whose speech repeats a line already in the document.
 */
final class SuggestionFilter {
    private SuggestionFilter() {}

    static List<String> apply(List<String> suggestions, TextDocument doc, int line) {
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < doc.lineCount(); i++) {
            String l = normalise(doc.line(i));
            if (l.length() >= 12) existing.add(l);
        }
        String next = "";
        for (int i = line + 1; i < doc.lineCount() && next.isEmpty(); i++) next = normalise(doc.line(i));
        String nextLine = next;

        Set<String> kept = new LinkedHashSet<>();
        for (String s : suggestions) {
            String text = stripTrailing(s);
            if (text.isBlank()) continue;
            List<String> lines = new ArrayList<>();
            for (String l : text.split("\n")) {
                String n = normalise(l);
                if (!n.isEmpty()) lines.add(n);
            }
            if (lines.isEmpty()) continue;
            if (!nextLine.isEmpty() && lines.contains(nextLine)) continue;
            if (lines.stream().anyMatch(existing::contains)) continue;
            kept.add(text);
        }
        return List.copyOf(kept);
    }

    private static String normalise(String line) {
        return line.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String stripTrailing(String s) {
        return s.replaceAll("[ \\t]+(?=\\n)", "").stripTrailing();
    }
}
