package org.replique.dialogue.claire;

/**
 * Speech text the way Claire's training data wrote it: one line, plain spaces, straight
 * apostrophes. No-break spaces and curly apostrophes come back when the output is rendered in
 * the document's own typography.
 */
public final class ClaireText {
    private ClaireText() {}

    /** One line: whitespace runs (line breaks, no-break spaces) become one space; ’ becomes '. */
    public static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\u00A0' || c == '\u202F') {
                space = !out.isEmpty();
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c == '\u2019' ? '\'' : c);
        }
        return out.toString();
    }
}
