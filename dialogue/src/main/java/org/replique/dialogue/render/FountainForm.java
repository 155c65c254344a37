package org.replique.dialogue.render;

import java.util.List;
import java.util.Locale;

import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Names;
import org.replique.dialogue.prompt.CursorContext;

/**
 * Writes turns as Fountain: a blank line, the cue in capitals (with {@code @} when the name needs
 * lower case, {@code (CONT'D)} when the same speaker goes on after action), the dialogue on the
 * next line. Cue and dialogue take the indentation of the last cue block above the cursor.
 */
final class FountainForm {
    private FountainForm() {}

    static String write(DialogueDocument doc, CursorContext cursor, List<Speech> speeches, boolean markContinued) {
        Indent indent = indent(doc, cursor.line());
        StringBuilder out = new StringBuilder();
        String previous = cursor.lastSpeaker();
        boolean cursorLineBlank = doc.line(cursor.line()).isBlank();
        boolean firstBlock = true;
        for (Speech speech : speeches) {
            if (speech.continuation()) {
                boolean newLine = cursor.onCueLine()
                        || cursor.partAtCursor() != null && cursor.partAtCursor().type() == ElementType.PARENTHETICAL && !cursorLineBlank;
                if (newLine) {
                    out.append('\n').append(indent.dialogue).append(speech.words().strip());
                } else if (cursorLineBlank) {
                    out.append(indent.dialogue).append(speech.words().strip());
                } else {
                    out.append(cursor.spaceBefore() ? speech.words().stripLeading() : speech.words());
                }
                previous = speech.speaker();
                continue;
            }
            if (out.isEmpty() && cursorLineBlank) {
                out.append(cursor.blankLineBefore() ? "" : "\n");
            } else {
                // After the speech the cursor ends (or its empty continuation): a new cue block.
                out.append("\n\n");
            }
            boolean continued = markContinued && firstBlock && cursor.afterAction()
                    && speech.speaker() != null && previous != null && Names.key(previous).equals(Names.key(speech.speaker()));
            out.append(indent.cue).append(cueName(doc, speech)).append(continued ? " (" + contd(doc) + ")" : "")
                    .append('\n').append(indent.dialogue).append(speech.words().strip());
            previous = speech.speaker();
            firstBlock = false;
        }
        boolean addedBlocks = speeches.stream().anyMatch(s -> !s.continuation());
        boolean atLineEnd = doc.line(cursor.line()).substring(cursor.column()).isBlank();
        if (addedBlocks && atLineEnd && !cursor.nextLineBlank()) {
            out.append('\n');
        }
        return out.toString();
    }

    private static String cueName(DialogueDocument doc, Speech speech) {
        String name = speech.speaker() == null ? "" : speech.speaker();
        boolean forced = false;
        if (speech.known()) {
            for (Cue cue : doc.cues()) {
                if (Names.key(cue.name()).equals(Names.key(name))) {
                    name = cue.name();
                    forced = cue.forced();
                    break;
                }
            }
        } else {
            name = name.toUpperCase(Locale.ROOT);
        }
        // A name with lower case (or in a script without case) is only a cue when forced.
        boolean needsForce = forced || !name.equals(name.toUpperCase(Locale.ROOT)) || name.chars().noneMatch(Character::isUpperCase);
        return needsForce ? "@" + name : name;
    }

    /** CONT'D with the document's apostrophe, if it ever wrote one. */
    private static String contd(DialogueDocument doc) {
        for (Cue cue : doc.cues()) {
            if (cue.extension() != null && cue.extension().toUpperCase(Locale.ROOT).contains("CONT\u2019D")) {
                return "CONT\u2019D";
            }
        }
        return "CONT'D";
    }

    private record Indent(String cue, String dialogue) {
    }

    /** Indentation of the last cue block above the line: some writers indent cues and dialogue as on the page. */
    private static Indent indent(DialogueDocument doc, int line) {
        Cue last = null;
        for (Cue cue : doc.cues()) {
            if (cue.range().startLine() >= line) {
                break;
            }
            last = cue;
        }
        if (last == null) {
            return new Indent("", "");
        }
        String cueLine = doc.line(last.range().startLine());
        String next = doc.line(last.range().startLine() + 1);
        return new Indent(leading(cueLine), leading(next));
    }

    private static String leading(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return line.substring(0, i);
    }
}
