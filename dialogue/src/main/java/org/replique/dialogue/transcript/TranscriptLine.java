package org.replique.dialogue.transcript;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a Claire transcript: {@code [Name:] text} (named or {@code Intervenant N}),
 * {@code - text} (the dash format; {@code —} and {@code –} count), or plain text.
 *
 * @param kind       which form
 * @param name       the speaker inside the brackets, or null
 * @param markStart  column of the {@code [} or the dash (-1 for plain text)
 * @param markEnd    column just after {@code :]} or the dash
 * @param textStart  column where the words start
 */
public record TranscriptLine(Kind kind, String name, int markStart, int markEnd, int textStart) {

    public enum Kind { NAMED, DASH, TEXT }

    private static final Pattern NAMED = Pattern.compile("^\\s*(\\[([^\\]\\n]+?):])[ \\t]?");
    private static final Pattern DASH = Pattern.compile("^\\s*([-\\u2014\\u2013])(?:[ \\t]+|$)");

    public static TranscriptLine read(String line) {
        Matcher named = NAMED.matcher(line);
        if (named.find()) {
            return new TranscriptLine(Kind.NAMED, named.group(2).strip(), named.start(1), named.end(1), named.end());
        }
        Matcher dash = DASH.matcher(line);
        if (dash.find()) {
            return new TranscriptLine(Kind.DASH, null, dash.start(1), dash.end(1), dash.end());
        }
        return new TranscriptLine(Kind.TEXT, null, -1, -1, 0);
    }
}
