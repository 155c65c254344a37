package org.replique.dialogue.play;

import java.util.ArrayList;
import java.util.List;

/**
 * A play's cue at the start of a paragraph: {@code ALCESTE. text}, {@code PHILINTE : texte},
 * {@code HAMLET: text}, {@code DORANTE, à part. text}, {@code BOB (laughing): text}, or a speech
 * said together: {@code CHICANNEAU, LA COMTESSE et L'INTIMÉ. text}.
 *
 * @param name            the name(s) as printed, without direction and punctuation
 * @param speakers        each speaker; one unless several speak together
 * @param nameStart       column where the name starts
 * @param nameEnd         column just after the name(s)
 * @param direction       the direction after a comma or in parentheses, or null
 * @param directionStart  its column, or -1
 * @param directionEnd    column just after it, or -1
 * @param punctuation     what closes the cue as written: {@code .}, {@code :}, {@code " :"} (French
 *                        spacing, with the space as typed)
 * @param textStart       column where the speech starts (the line's length if it starts on the next line)
 */
public record TheatreCue(String name, List<String> speakers, int nameStart, int nameEnd, String direction,
                         int directionStart, int directionEnd, String punctuation, int textStart) {

    public TheatreCue {
        speakers = List.copyOf(speakers);
    }

    private static final int MAX_NAME = 60;

    /**
     * Reads the cue at the start of {@code line}, or returns null. A capitalised name with at
     * least two letters is a cue; a mixed-case one only if {@code known} has it. Where several
     * readings exist ({@code M. JOURDAIN. Bonjour}), the longest known name wins, else the first
     * capitalised one with two letters or more.
     */
    public static TheatreCue match(String line, KnownNames known) {
        int start = 0;
        while (start < line.length() && isSpace(line.charAt(start))) {
            start++;
        }
        if (start >= line.length() || !Character.isUpperCase(line.codePointAt(start))) {
            return null;
        }
        List<TheatreCue> candidates = new ArrayList<>();
        for (int p = start; p < line.length() && p - start <= MAX_NAME; p++) {
            char c = line.charAt(p);
            if (c == '.' || c == ':') {
                if (p + 1 == line.length() || isSpace(line.charAt(p + 1))) {
                    add(candidates, line, start, p, -1, -1, p);
                }
                if (c == ':') {
                    break;
                }
                continue;
            }
            if (c == ',') {
                int end = closingPunctuation(line, p + 1);
                if (end > 0) {
                    add(candidates, line, start, p, p + 1, end, end);
                }
                break;
            }
            if (c == '(') {
                int close = line.indexOf(')', p);
                int punct = close < 0 ? -1 : skipSpaces(line, close + 1);
                if (punct >= 0 && punct < line.length() && (line.charAt(punct) == '.' || line.charAt(punct) == ':')
                        && (punct + 1 == line.length() || isSpace(line.charAt(punct + 1)))) {
                    add(candidates, line, start, p, p + 1, close, punct);
                }
                break;
            }
            if (Character.isLowerCase(c)) {
                // Past a first reading, lower case means the speech has begun, unless a known name goes on.
                if (!candidates.isEmpty() && !known.continues(line.substring(start, p + 1))) {
                    break;
                }
                if (known.isEmpty() && candidates.isEmpty() && p - start > 30) {
                    break;
                }
                continue;
            }
            if (!isNameChar(c)) {
                break;
            }
        }
        return choose(candidates, known);
    }

    private static TheatreCue choose(List<TheatreCue> candidates, KnownNames known) {
        TheatreCue best = null;
        if (!known.isEmpty()) {
            for (TheatreCue candidate : candidates) {
                boolean allKnown = true;
                for (String speaker : candidate.speakers) {
                    allKnown &= known.contains(speaker);
                }
                if (allKnown && (best == null || candidate.nameEnd > best.nameEnd)) {
                    best = candidate;
                }
            }
        }
        if (best != null) {
            return best;
        }
        for (TheatreCue candidate : candidates) {
            boolean capitalised = true;
            for (String speaker : candidate.speakers) {
                capitalised &= isCapitalisedName(speaker);
            }
            if (capitalised) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Adds the reading whose name ends at {@code nameEnd} (exclusive), with a direction between
     * {@code directionFrom} and {@code directionTo} (or none), closed by the mark at {@code punct}.
     */
    private static void add(List<TheatreCue> candidates, String line, int start, int nameEnd,
                            int directionFrom, int directionTo, int punct) {
        int end = trimEnd(line, start, nameEnd);
        if (end == start) {
            return;
        }
        String name = line.substring(start, end);
        String direction = null;
        int dirStart = -1;
        int dirEnd = -1;
        if (directionFrom >= 0) {
            dirStart = skipSpaces(line, directionFrom);
            dirEnd = trimEnd(line, dirStart, directionTo);
            if (dirEnd <= dirStart) {
                return;
            }
            direction = line.substring(dirStart, dirEnd);
        }
        char mark = line.charAt(punct);
        String punctuation = mark == ':' && punct > 0 && isSpace(line.charAt(punct - 1))
                ? line.charAt(punct - 1) + ":" : String.valueOf(mark);
        List<String> speakers = new ArrayList<>();
        speakers.add(name);
        // Directions start in lower case ("à part"); names said together start with a capital.
        if (direction != null && line.charAt(nameEnd) == ',' && Character.isUpperCase(direction.charAt(0))) {
            String[] others = PlayShapes.splitNames(direction);
            boolean allNames = others.length > 0;
            for (String other : others) {
                allNames &= isCapitalisedName(other);
            }
            if (allNames) {
                for (String other : others) {
                    speakers.add(other.strip());
                }
                name = line.substring(start, dirEnd);
                end = dirEnd;
                direction = null;
                dirStart = -1;
                dirEnd = -1;
            }
        }
        candidates.add(new TheatreCue(name, speakers, start, end, direction, dirStart, dirEnd, punctuation,
                skipSpaces(line, punct + 1)));
    }

    private static int trimEnd(String line, int start, int end) {
        while (end > start && isSpace(line.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** Index of the {@code .} or {@code :} that closes a cue's direction (followed by a space or the line's end), or -1. */
    private static int closingPunctuation(String line, int from) {
        for (int q = from; q < line.length() && q - from <= 80; q++) {
            char c = line.charAt(q);
            if ((c == '.' || c == ':') && (q + 1 == line.length() || isSpace(line.charAt(q + 1)))) {
                return q;
            }
        }
        return -1;
    }

    /** Two letters or more, no lower-case letter: {@code LA GRANGE}, {@code L'INTIMÉ}, {@code M. JOURDAIN}. */
    static boolean isCapitalisedName(String name) {
        int letters = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLowerCase(c)) {
                return false;
            }
            if (Character.isLetter(c)) {
                letters++;
            } else if (!isNameChar(c)) {
                return false;
            }
        }
        return letters >= 2;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
                || c == ' ' || c == '\u00A0' || c == '\u202F' || c == '\'' || c == '\u2019' || c == '-' || c == '.';
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u00A0' || c == '\u202F';
    }

    private static int skipSpaces(String line, int from) {
        int i = from;
        while (i < line.length() && isSpace(line.charAt(i))) {
            i++;
        }
        return i;
    }
}
