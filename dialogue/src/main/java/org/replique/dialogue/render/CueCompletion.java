package org.replique.dialogue.render;

import java.util.Locale;
import java.util.Optional;

import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.roster.Roster;

/**
 * The rest of a character cue the writer is typing at the start of a paragraph, as ghost text:
 * the name of the roster it begins (the speaker before the last one first), then, in a play, the
 * play's cue punctuation. Speech never follows a half-typed name: once the cue is whole, the
 * model writes the speech.
 */
public final class CueCompletion {
    private CueCompletion() {}

    /**
     * The text to insert at {@code (line, column)}, or empty where no cue is being typed: the line
     * is not a paragraph's start, text follows the cursor, what is typed is not a capitalised name,
     * or no character's name begins with it (and in a screenplay, a whole name needs nothing more).
     */
    public static Optional<String> at(DialogueDocument doc, int line, int column) {
        if (doc.format() == DocumentFormat.TRANSCRIPT || line < 0 || line >= doc.lines().size()) {
            return Optional.empty();
        }
        String text = doc.line(line);
        int at = Math.min(column, text.length());
        int start = 0;
        while (start < at && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        String typed = text.substring(start, at);
        boolean paragraphStart = line == 0 || Lines.isBlank(doc.line(line - 1));
        if (!paragraphStart || !text.substring(at).isBlank() || !Names.isCapitalisedName(typed)) {
            return Optional.empty();
        }
        String wanted = typed.toUpperCase(Locale.FRENCH);
        String whole = null;
        String begun = null;
        for (String name : Roster.of(doc).rankedAt(line)) {
            String upper = name.toUpperCase(Locale.FRENCH);
            if (upper.equals(wanted) && whole == null) {
                whole = name;
            } else if (upper.startsWith(wanted) && begun == null) {
                begun = name;
            }
        }
        String rest;
        if (whole != null) {
            rest = "";
        } else if (begun != null) {
            rest = begun.substring(typed.length());
            if (capitalisedCues(doc)) {
                rest = rest.toUpperCase(Locale.FRENCH);
            }
        } else {
            return Optional.empty();
        }
        if (doc.format() == DocumentFormat.FOUNTAIN) {
            // A whole name needs nothing more: the speech goes on the next line, and the model writes it.
            return rest.isEmpty() ? Optional.empty() : Optional.of(rest);
        }
        return Optional.of(rest + PlayForm.cuePunctuation(doc, turnsBefore(doc, line)));
    }

    private static boolean capitalisedCues(DialogueDocument doc) {
        long cues = doc.cues().size();
        long capitals = doc.cues().stream().filter(c -> c.name().equals(c.name().toUpperCase(Locale.FRENCH))).count();
        return cues == 0 || capitals * 2 >= cues;
    }

    private static int turnsBefore(DialogueDocument doc, int line) {
        int count = 0;
        for (Turn turn : doc.turns()) {
            if (turn.range().startLine() >= line) {
                break;
            }
            count++;
        }
        return count;
    }
}
