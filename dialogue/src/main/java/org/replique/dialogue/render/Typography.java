package org.replique.dialogue.render;

import java.util.List;

import org.replique.dialogue.document.DialogueDocument;

/**
 * The document's typographic habits, applied to the model's words: the space before {@code ? ! ;}
 * and before {@code :} (a no-break space U+00A0, a narrow one U+202F, a plain space, or none),
 * inside guillemets, and the apostrophe (' or ’). Claire writes plain spaces and straight
 * apostrophes; a habit the document shows fewer than {@value #EVIDENCE} times (once, for
 * guillemets) is left as the model wrote it.
 */
final class Typography {
    static final int EVIDENCE = 3;
    private static final String NONE = "";

    private final String beforeHigh;
    private final String beforeColon;
    private final String afterOpeningGuillemet;
    private final String beforeClosingGuillemet;
    private final char apostrophe;
    private final boolean guillemetsForQuotes;

    private Typography(String beforeHigh, String beforeColon, String afterOpening, String beforeClosing, char apostrophe,
                       boolean guillemetsForQuotes) {
        this.beforeHigh = beforeHigh;
        this.beforeColon = beforeColon;
        this.afterOpeningGuillemet = afterOpening;
        this.beforeClosingGuillemet = beforeClosing;
        this.apostrophe = apostrophe;
        this.guillemetsForQuotes = guillemetsForQuotes;
    }

    /** Tallies of the four spacings: no-break, narrow no-break, plain, none. */
    private static final class Tally {
        final int[] counts = new int[4];

        void add(char before) {
            counts[before == '\u00A0' ? 0 : before == '\u202F' ? 1 : before == ' ' ? 2 : 3]++;
        }

        /** The habit, or null if the document shows it fewer than {@code evidence} times. */
        String habit(int evidence) {
            int best = 0;
            for (int i = 1; i < 4; i++) {
                if (counts[i] > counts[best]) {
                    best = i;
                }
            }
            if (counts[best] < evidence) {
                return null;
            }
            return switch (best) {
                case 0 -> "\u00A0";
                case 1 -> "\u202F";
                case 2 -> " ";
                default -> NONE;
            };
        }
    }

    /** Lines read around the cursor: enough to learn the habits, without reading a whole long document per token. */
    static final int SAMPLE_LINES = 4000;

    /** The habits of the document, read from the lines before {@code line} (and a few after). */
    static Typography of(DialogueDocument doc, int line) {
        Tally high = new Tally();
        Tally colon = new Tally();
        Tally opening = new Tally();
        Tally closing = new Tally();
        int straight = 0;
        int curly = 0;
        int straightQuotes = 0;
        int guillemets = 0;
        List<String> lines = doc.lines();
        int from = Math.max(0, line - SAMPLE_LINES);
        int to = Math.min(lines.size(), Math.max(line, from) + SAMPLE_LINES / 4);
        for (String text : lines.subList(from, to)) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                char before = i > 0 ? text.charAt(i - 1) : '\n';
                char after = i + 1 < text.length() ? text.charAt(i + 1) : '\n';
                switch (c) {
                    case '?', '!', ';' -> {
                        if (i > 0 && !isMark(before)) {
                            high.add(before);
                        }
                    }
                    case ':' -> {
                        if (i > 0 && !Character.isDigit(after) && after != '/' && !isMark(before)) {
                            colon.add(before);
                        }
                    }
                    case '\u00AB' -> {
                        opening.add(after);
                        guillemets++;
                    }
                    case '\u00BB' -> closing.add(before);
                    case '"' -> straightQuotes++;
                    case '\'' -> straight += Character.isLetter(before) && Character.isLetter(after) ? 1 : 0;
                    case '\u2019' -> curly += Character.isLetter(before) && Character.isLetter(after) ? 1 : 0;
                    default -> { }
                }
            }
        }
        char apostrophe = straight + curly < EVIDENCE ? 0 : curly > straight ? '\u2019' : '\'';
        // Guillemets are rarer than question marks: one pair shows the habit.
        return new Typography(high.habit(EVIDENCE), colon.habit(EVIDENCE), opening.habit(1), closing.habit(1), apostrophe,
                guillemets >= 1 && straightQuotes == 0);
    }

    private static boolean isMark(char c) {
        return c == '?' || c == '!' || c == ';' || c == ':' || c == '.' || c == '\u2026';
    }

    /**
     * The words in the document's typography; {@code before} is the document's character just
     * before them (a space, a letter, or a newline), which decides a leading {@code ?}'s spacing.
     */
    String apply(String words, char before) {
        String text = words;
        if (apostrophe != 0) {
            text = apostrophes(text);
        }
        if (guillemetsForQuotes) {
            text = guillemets(text);
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String habit = c == ':' ? beforeColon : c == '?' || c == '!' || c == ';' ? beforeHigh
                    : c == '\u00BB' ? beforeClosingGuillemet : null;
            boolean time = c == ':' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1));
            if (habit != null && !time) {
                char previous = lastNonSpace(out, before);
                // Only after a word: "?!" and "..." keep their marks together.
                if (Character.isLetterOrDigit(previous) || previous == '\u00BB' || previous == ')' || previous == '"') {
                    trimTrailingSpaces(out);
                    out.append(habit);
                }
            }
            out.append(c);
            if (c == '\u00AB' && afterOpeningGuillemet != null) {
                int next = i + 1;
                while (next < text.length() && isSpace(text.charAt(next))) {
                    next++;
                }
                out.append(afterOpeningGuillemet);
                i = next - 1;
            }
        }
        return out.toString();
    }

    private String apostrophes(String text) {
        char[] chars = text.toCharArray();
        for (int i = 1; i + 1 < chars.length; i++) {
            if ((chars[i] == '\'' || chars[i] == '\u2019') && Character.isLetter(chars[i - 1]) && Character.isLetter(chars[i + 1])) {
                chars[i] = apostrophe;
            }
        }
        return new String(chars);
    }

    /** Straight double quotes, paired, become guillemets. */
    private static String guillemets(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean open = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append(open ? '\u00BB' : '\u00AB');
                open = !open;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static char lastNonSpace(StringBuilder out, char before) {
        for (int i = out.length() - 1; i >= 0; i--) {
            if (!isSpace(out.charAt(i))) {
                return out.charAt(i);
            }
        }
        return before;
    }

    private static void trimTrailingSpaces(StringBuilder out) {
        while (!out.isEmpty() && isSpace(out.charAt(out.length() - 1))) {
            out.setLength(out.length() - 1);
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\u00A0' || c == '\u202F';
    }
}
