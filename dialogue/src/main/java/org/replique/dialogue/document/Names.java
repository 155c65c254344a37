package org.replique.dialogue.document;

import java.util.Locale;

/** Compares character names as writers vary them: case, hyphens, apostrophes, no-break spaces. */
public final class Names {
    private Names() {}

    /** {@code Petit-Jean}, {@code PETIT JEAN} and {@code Petit Jean} share one key. */
    public static String key(String name) {
        StringBuilder key = new StringBuilder(name.length());
        boolean space = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == ' ' || c == '\u00A0' || c == '\u202F' || c == '\t') {
                space = !key.isEmpty();
                continue;
            }
            if (space) {
                key.append(' ');
                space = false;
            }
            key.append(c == '\u2019' ? '\'' : c);
        }
        return key.toString().toUpperCase(Locale.FRENCH);
    }

    /**
     * A name as a cue is typed: a capital first, then capitals, spaces, apostrophes and hyphens, in
     * four words at most ({@code LEMERCIER}, {@code LA GRAN}, {@code L'INTIMÉ}).
     */
    public static boolean isCapitalisedName(String typed) {
        if (typed.isEmpty() || !Character.isUpperCase(typed.codePointAt(0)) || typed.strip().split("\\s+").length > 4) {
            return false;
        }
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            boolean letter = Character.isLetter(c);
            if (letter && !Character.isUpperCase(c) || !letter && " '\u2019-\u00A0".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
