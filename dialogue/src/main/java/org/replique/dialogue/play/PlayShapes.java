package org.replique.dialogue.play;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one-line shapes of a play's structure: acts, scenes, the cast list heading. */
public final class PlayShapes {
    private PlayShapes() {}

    private static final String ORDINAL = "(?:[IVXLCDM]+|\\d+[A-Z]?|premier|premi[èe]re|seconde?|deuxi[èe]me|troisi[èe]me|quatri[èe]me"
            + "|cinqui[èe]me|sixi[èe]me|septi[èe]me|huiti[èe]me|neuvi[èe]me|dixi[èe]me|onzi[èe]me|douzi[èe]me|treizi[èe]me"
            + "|quatorzi[èe]me|quinzi[èe]me|seizi[èe]me|derni[èe]re?|unique|one|two|three|four|five|six|seven|eight|nine|ten|first|last)";
    private static final Pattern SCENE = Pattern.compile(
            "^\\s*(?:(?:acte|act)\\s+" + ORDINAL + "\\s*[,.:]?\\s*)?(?:sc[èe]ne)\\s+" + ORDINAL + "(?![\\p{L}\\p{N}])\\s*[.:,]?\\s*(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern ACT = Pattern.compile(
            "^\\s*(?:(?:acte|act)\\s+" + ORDINAL + "(?![\\p{L}\\p{N}])|prologue|[ée]pilogue|divertissement|interm[èe]de|entr['’]acte)\\s*[.:]?\\s*(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern CAST = Pattern.compile(
            "^\\s*(?:les\\s+)?(?:personnages|acteurs|dramatis\\s+person[aæ]e|characters|cast(?:\\s+of\\s+characters)?|the\\s+persons\\s+of\\s+the\\s+play)\\s*[.:]?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern NAME_SEPARATOR = Pattern.compile("\\s*,\\s*|\\s+(?:et|and)\\s+|\\s*&\\s*");

    private static final String[] HEADING_WORDS = {"act", "sc", "prologue", "épilogue", "epilogue", "divertissement",
        "intermède", "intermede", "entr"};
    private static final String[] CAST_WORDS = {"personnages", "les", "acteurs", "dramatis", "characters", "cast", "the"};

    /** {@code SCÈNE PREMIÈRE. Philinte, Alceste.}, {@code Scene ii. A room}, {@code Act 1, Scene 2}. */
    public static boolean isScene(String line) {
        return line.length() <= 200 && startsWithAny(line, HEADING_WORDS) && SCENE.matcher(line).matches();
    }

    /** {@code ACTE I}, {@code ACTE PREMIER}, {@code Act 2}, {@code PROLOGUE}. */
    public static boolean isAct(String line) {
        return line.length() <= 120 && startsWithAny(line, HEADING_WORDS) && !isScene(line) && ACT.matcher(line).matches();
    }

    /** {@code PERSONNAGES}, {@code ACTEURS}, {@code DRAMATIS PERSONAE}, {@code CHARACTERS}. */
    public static boolean isCastHeading(String line) {
        return line.length() <= 60 && startsWithAny(line, CAST_WORDS) && CAST.matcher(line).matches();
    }

    /** A cheap test before the patterns: most paragraphs of a play are speeches, not headings. */
    private static boolean startsWithAny(String line, String[] words) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        for (String word : words) {
            if (line.regionMatches(true, start, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** What follows the scene number ({@code Philinte, Alceste.}), split into parts; empty if nothing follows. */
    static List<String> sceneRest(String heading) {
        Matcher m = SCENE.matcher(heading);
        List<String> parts = new ArrayList<>();
        if (!m.matches()) {
            return parts;
        }
        // Editions mark characters who stay silent in brackets: "Cathos[, Magdelon]".
        String rest = m.group(1).replace("[", "").replace("]", "").strip();
        while (rest.endsWith(".")) {
            rest = rest.substring(0, rest.length() - 1).strip();
        }
        if (rest.isEmpty()) {
            return parts;
        }
        for (String part : NAME_SEPARATOR.split(rest)) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /** Splits a group of names: {@code LA COMTESSE et L'INTIMÉ}. */
    static String[] splitNames(String names) {
        return NAME_SEPARATOR.split(names.strip());
    }
}
