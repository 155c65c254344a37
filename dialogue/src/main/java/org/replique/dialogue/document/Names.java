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
}
