package org.replique.dialogue.fountain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one-line shapes of Fountain elements other than cues and title entries. */
public final class FountainShapes {
    private FountainShapes() {}

    private static final Pattern HEADING_PREFIX =
            Pattern.compile("^(?:INT\\./EXT|INT/EXT|INT|EXT|EST|I/E)[. ]", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCENE_NUMBER = Pattern.compile("^(.*?)\\s*#([A-Za-z0-9.\\-]+)#\\s*$");

    /** {@code INT.}, {@code EXT }, {@code EST.}, {@code INT./EXT}, {@code INT/EXT}, {@code I/E}, any case, then a dot or a space. */
    public static boolean hasHeadingPrefix(String trimmed) {
        return HEADING_PREFIX.matcher(trimmed).find();
    }

    /** A forced heading: a dot, then a letter or digit ({@code ...where} stays action). */
    static boolean isForcedHeading(String trimmed) {
        return trimmed.length() > 1 && trimmed.charAt(0) == '.' && Character.isLetterOrDigit(trimmed.codePointAt(1));
    }

    /** The heading text and its scene number ({@code #1A#}), or null for none. */
    static String[] splitSceneNumber(String heading) {
        Matcher m = SCENE_NUMBER.matcher(heading);
        return m.matches() ? new String[] {m.group(1).strip(), m.group(2)} : new String[] {heading.strip(), null};
    }

    /**
     * A transition's shape: capitals ending in {@code TO:}, with nothing after the colon (spaces
     * after it make the line action, per fountain.io).
     */
    public static boolean isTransition(String line) {
        String text = line.stripLeading();
        return text.endsWith("TO:") && CueLine.isUpperCaseName(text);
    }

    /** Three or more equals signs and nothing else but spaces. */
    static boolean isPageBreak(String line) {
        int equals = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=') {
                equals++;
            } else if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return equals >= 3;
    }

    static boolean isCentered(String trimmed) {
        return trimmed.length() >= 2 && trimmed.startsWith(">") && trimmed.endsWith("<");
    }

    /** A parenthetical: the whole line in parentheses. */
    static boolean isParenthetical(String trimmed) {
        return trimmed.length() >= 2 && trimmed.startsWith("(") && trimmed.endsWith(")");
    }

    /** A synopsis line: {@code =} but not a page break. */
    static boolean isSynopsis(String trimmed) {
        return trimmed.startsWith("=") && !trimmed.startsWith("===");
    }
}
