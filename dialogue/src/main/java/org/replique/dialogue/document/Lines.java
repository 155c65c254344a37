package org.replique.dialogue.document;

import java.util.ArrayList;
import java.util.List;

/** Splits text into lines the way LSP counts them: {@code \n}, {@code \r\n} and a lone {@code \r} all end a line. */
public final class Lines {
    private Lines() {}

    /** The lines of {@code text}; a text ending with a terminator has a last empty line, as an editor shows. */
    public static List<String> split(String text) {
        return split(text, Integer.MAX_VALUE);
    }

    /** The first {@code limit} lines of {@code text}, without reading further. */
    public static List<String> split(String text, int limit) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length && lines.size() < limit; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (lines.size() < limit) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** Whether a line holds only spaces and tabs (or nothing). */
    public static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\t' && c != '\u00A0' && c != '\u202F') {
                return false;
            }
        }
        return true;
    }

    /** Index of the first character that is not a space or tab, or the line's length. */
    public static int indent(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Index just past the last character that is not a space or tab. */
    public static int contentEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }
}
