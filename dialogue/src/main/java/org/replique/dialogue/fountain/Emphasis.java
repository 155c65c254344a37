package org.replique.dialogue.fountain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fountain emphasis, Markdown style: {@code *italics*}, {@code **bold**}, {@code ***bold italics***},
 * {@code _underline_}. Never across a line break; a marker followed by a space opens nothing and a
 * marker after a space closes nothing; {@code \*} and {@code \_} are literal.
 */
public final class Emphasis {
    private Emphasis() {}

    public enum Style { BOLD_ITALIC, BOLD, ITALIC, UNDERLINE }

    /**
     * One emphasised run of a line.
     *
     * @param start  index of the opening marker
     * @param end    index just after the closing marker
     * @param marker length of each marker (3, 2 or 1)
     */
    public record Span(Style style, int start, int end, int marker) {
    }

    private static final char USED = '\u0000';
    private static final Pattern[] PATTERNS = {
        Pattern.compile("\\*\\*\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*\\*\\*"),
        Pattern.compile("\\*\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*\\*"),
        Pattern.compile("\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*"),
        Pattern.compile("_(?=[^\\s_])(.+?)(?<=[^\\s_])_"),
    };

    /** The emphasised runs of one line, by position. */
    public static List<Span> spans(String line) {
        List<Span> spans = new ArrayList<>();
        if (line.indexOf('*') < 0 && line.indexOf('_') < 0) {
            return spans;
        }
        char[] work = line.toCharArray();
        for (int i = 0; i + 1 < work.length; i++) {
            if (work[i] == '\\' && (work[i + 1] == '*' || work[i + 1] == '_')) {
                work[i] = USED;
                work[i + 1] = USED;
                i++;
            }
        }
        Style[] styles = Style.values();
        for (int p = 0; p < PATTERNS.length; p++) {
            int marker = p < 3 ? 3 - p : 1;
            Matcher m = PATTERNS[p].matcher(new String(work));
            while (m.find()) {
                spans.add(new Span(styles[p], m.start(), m.end(), marker));
                for (int k = 0; k < marker; k++) {
                    work[m.start() + k] = USED;
                    work[m.end() - 1 - k] = USED;
                }
            }
        }
        spans.sort(Comparator.comparingInt(Span::start));
        return spans;
    }

    /** The text without emphasis markers and escape backslashes, line by line. */
    public static String strip(String text) {
        if (text.indexOf('*') < 0 && text.indexOf('_') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int lineStart = 0;
        while (true) {
            int lineEnd = text.indexOf('\n', lineStart);
            String line = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
            out.append(stripLine(line));
            if (lineEnd < 0) {
                return out.toString();
            }
            out.append('\n');
            lineStart = lineEnd + 1;
        }
    }

    private static String stripLine(String line) {
        boolean[] drop = new boolean[line.length()];
        for (Span span : spans(line)) {
            for (int k = 0; k < span.marker(); k++) {
                drop[span.start() + k] = true;
                drop[span.end() - 1 - k] = true;
            }
        }
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '*' || line.charAt(i + 1) == '_')) {
                continue;
            }
            if (!drop[i]) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
