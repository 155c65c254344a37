package org.replique.dialogue.render;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.prompt.CursorContext;

/**
 * Writes turns as the play writes them: its cue punctuation ({@code .}, {@code :}, French
 * {@code " :"} with the space it uses), capitals or not, the speech on the cue's line or the next,
 * a blank line between speeches or not, all as most of the document's speeches do.
 */
final class PlayForm {
    private PlayForm() {}

    private record Style(String punctuation, boolean capitals, boolean speechBelow, boolean blankBetween) {
    }

    static String write(DialogueDocument doc, CursorContext cursor, List<Speech> speeches) {
        Style style = style(doc, cursor.historyEnd());
        StringBuilder out = new StringBuilder();
        String cursorLine = doc.line(cursor.line());
        boolean cursorLineBlank = cursorLine.isBlank();
        String separator = style.blankBetween ? "\n\n" : "\n";
        for (Speech speech : speeches) {
            if (speech.continuation()) {
                String words = speech.words();
                if (cursor.onCueLine()) {
                    String afterName = cursorLine.substring(0, cursor.column()).strip();
                    boolean punctuated = afterName.endsWith(".") || afterName.endsWith(":");
                    out.append(punctuated ? "" : style.punctuation).append(cursor.spaceBefore() && punctuated ? "" : " ")
                            .append(words.strip());
                } else if (cursorLineBlank) {
                    out.append(words.strip());
                } else {
                    out.append(cursor.spaceBefore() ? words.stripLeading() : words);
                }
                continue;
            }
            if (out.isEmpty() && cursorLineBlank) {
                out.append(style.blankBetween && !cursor.blankLineBefore() ? "\n" : "");
            } else {
                // After the speech the cursor ends (or its empty continuation): a new speech paragraph.
                out.append(separator);
            }
            out.append(cueName(doc, speech, style)).append(style.punctuation).append(style.speechBelow ? "\n" : " ")
                    .append(speech.words().strip());
        }
        boolean addedBlocks = speeches.stream().anyMatch(s -> !s.continuation());
        boolean atLineEnd = cursorLine.substring(cursor.column()).isBlank();
        if (addedBlocks && atLineEnd && !cursor.nextLineBlank()) {
            out.append(style.blankBetween ? "\n" : "");
        }
        return out.toString();
    }

    /** What closes the play's cues ({@code .}, {@code :}, {@code " :"}), as most speeches before turn {@code before} do. */
    static String cuePunctuation(DialogueDocument doc, int before) {
        return style(doc, before).punctuation;
    }

    private static String cueName(DialogueDocument doc, Speech speech, Style style) {
        String name = speech.speaker() == null ? "" : speech.speaker();
        if (speech.known()) {
            for (Cue cue : doc.cues()) {
                if (Names.key(cue.name()).equals(Names.key(name))) {
                    return cue.name();
                }
            }
        }
        return style.capitals ? name.toUpperCase(Locale.FRENCH) : name;
    }

    /** Speeches read to learn the habits: the latest ones before the cursor. */
    private static final int SAMPLE_TURNS = 400;

    /** The habits of most of the speeches before turn {@code before} (or after it, at the document's start). */
    private static Style style(DialogueDocument doc, int before) {
        Map<String, Integer> punctuation = new HashMap<>();
        int capitals = 0;
        int below = 0;
        int blankBetween = 0;
        int pairs = 0;
        List<Turn> all = doc.turns();
        int to = Math.min(all.size(), Math.max(before, SAMPLE_TURNS));
        List<Turn> turns = all.subList(Math.max(0, to - SAMPLE_TURNS), to);
        Turn previous = null;
        for (Turn turn : turns) {
            Cue cue = turn.cue();
            if (cue == null) {
                continue;
            }
            String line = doc.line(cue.range().startLine());
            int end = turn.parts().isEmpty() ? line.length() : Math.min(line.length(),
                    turn.parts().getFirst().range().startLine() == cue.range().startLine()
                            ? turn.parts().getFirst().range().startColumn() : line.length());
            String between = line.substring(Math.min(cue.range().endColumn(), end), end);
            String mark = between.contains(":") ? (between.indexOf(':') > 0 && isSpace(between.charAt(between.indexOf(':') - 1))
                    ? between.charAt(between.indexOf(':') - 1) + ":" : ":") : ".";
            if (cue.direction() == null) {
                punctuation.merge(mark, 1, Integer::sum);
            }
            capitals += cue.name().equals(cue.name().toUpperCase(Locale.FRENCH)) ? 1 : 0;
            below += !turn.parts().isEmpty() && turn.parts().getFirst().range().startLine() > cue.range().startLine() ? 1 : 0;
            if (previous != null) {
                pairs++;
                blankBetween += turn.range().startLine() - previous.range().endLine() >= 2 ? 1 : 0;
            }
            previous = turn;
        }
        int cues = (int) turns.stream().filter(t -> t.cue() != null).count();
        String mark = punctuation.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(".");
        return new Style(mark, cues == 0 || capitals * 2 >= cues, cues > 0 && below * 2 > cues, pairs == 0 || blankBetween * 2 >= pairs);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\u00A0' || c == '\u202F';
    }
}
