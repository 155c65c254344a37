package org.replique.dialogue.fountain;

/**
 * A line read as a Fountain character cue by its shape alone. The blank line before it and the
 * text after it are the caller's business.
 *
 * @param name      the name: before the first {@code (}, without {@code @} and the dual caret
 * @param extension everything from the first {@code (} on, as written ({@code (V.O.) (CONT'D)}), or null
 * @param caret     the line ends with the dual-dialogue caret {@code ^}
 * @param forced    the line starts with {@code @}
 */
public record CueLine(String name, String extension, boolean caret, boolean forced) {

    /**
     * Reads {@code line} as a cue: an {@code @} cue, or a name with a letter and no lower-case
     * letter (extensions may be in any case). Returns null for anything else, including a line
     * ending in {@code TO:} (a transition's shape), a caret that is not last, and a line ending in
     * two spaces (screenplain's convention: {@code SCANNING THE AISLES...} followed by two spaces
     * is action).
     */
    public static CueLine parse(String line) {
        if (line.endsWith("  ")) {
            return null;
        }
        String text = line.strip();
        boolean forced = text.startsWith("@");
        if (forced) {
            text = text.substring(1);
        }
        boolean caret = text.endsWith("^");
        if (caret) {
            text = text.substring(0, text.length() - 1).stripTrailing();
        }
        int paren = text.indexOf('(');
        String name = (paren < 0 ? text : text.substring(0, paren)).strip();
        String extension = paren < 0 ? null : text.substring(paren).strip();
        if (name.isEmpty() || name.indexOf('^') >= 0) {
            return null;
        }
        if (!forced && (!isUpperCaseName(name) || text.endsWith("TO:"))) {
            return null;
        }
        return new CueLine(name, extension, caret, forced);
    }

    /** At least one letter (any script) and no lower-case letter: {@code R2D2}, {@code JEAN-CLAUDE}, {@code ÉLODIE}. */
    static boolean isUpperCaseName(String name) {
        boolean letter = false;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (Character.isLowerCase(cp)) {
                return false;
            }
            letter |= Character.isLetter(cp);
            i += Character.charCount(cp);
        }
        return letter;
    }
}
