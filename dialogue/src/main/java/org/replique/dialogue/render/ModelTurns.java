package org.replique.dialogue.render;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.replique.dialogue.prompt.ContinuationKind;

/**
 * Splits the model's output into turn lines. The output continues the prompt: after a fixed
 * speaker or inside a speech, its first line is the rest of that speech; after that (or from the
 * start, for a new turn) each line is a {@code [Name:] text} or {@code - text} turn. A blank line
 * (the end of Claire's conversation) or a line that is neither ends the turns.
 */
final class ModelTurns {
    private ModelTurns() {}

    /**
     * A turn the model wrote.
     *
     * @param label    the speaker label, or null (the prompt's own speaker, or a dash turn)
     * @param dash     written as {@code - text}
     * @param text     the words as written
     * @param complete the line ended (a newline followed it)
     */
    record ModelTurn(String label, boolean dash, String text, boolean complete) {
    }

    /** The turns, and whether the output ended the dialogue (so nothing more can follow). */
    record Parsed(List<ModelTurn> turns, boolean ended) {
    }

    private static final Pattern NAMED = Pattern.compile("^\\[([^\\]\\n]+?):]\\s?(.*)$");
    private static final Pattern DASH = Pattern.compile("^[-\\u2014\\u2013](?:\\s(.*))?$");

    static Parsed parse(String output, ContinuationKind kind) {
        String[] lines = output.split("\n", -1);
        List<ModelTurn> turns = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            boolean complete = i < lines.length - 1;
            if (i == 0 && kind != ContinuationKind.NEW_TURN) {
                turns.add(new ModelTurn(null, false, line, complete));
                continue;
            }
            if (line.isBlank()) {
                return new Parsed(turns, complete);
            }
            Matcher named = NAMED.matcher(line);
            if (named.matches()) {
                turns.add(new ModelTurn(named.group(1).strip(), false, named.group(2), complete));
                continue;
            }
            Matcher dash = DASH.matcher(line);
            if (dash.matches()) {
                turns.add(new ModelTurn(null, true, dash.group(1) == null ? "" : dash.group(1), complete));
                continue;
            }
            // An unfinished label ("[Jér") is not a turn yet; anything else ends the dialogue.
            boolean labelInProgress = !complete && line.startsWith("[") && !line.contains("]");
            return new Parsed(turns, !labelInProgress);
        }
        return new Parsed(turns, false);
    }
}
