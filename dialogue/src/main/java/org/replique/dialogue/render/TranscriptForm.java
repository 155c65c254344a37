package org.replique.dialogue.render;

import java.util.List;

import org.replique.dialogue.prompt.CursorContext;
import org.replique.dialogue.document.DialogueDocument;

/** Writes turns as transcript lines: {@code [Name:] text} with the document's names, or {@code - text}. */
final class TranscriptForm {
    private TranscriptForm() {}

    static String write(DialogueDocument doc, CursorContext cursor, List<Speech> speeches) {
        StringBuilder out = new StringBuilder();
        String cursorLine = doc.line(cursor.line());
        for (Speech speech : speeches) {
            if (speech.continuation()) {
                String words = speech.words();
                boolean afterMark = cursor.onCueLine() || cursorLine.substring(0, cursor.column()).strip().matches("[-\\u2014\\u2013]");
                if (afterMark) {
                    out.append(cursor.spaceBefore() ? "" : " ").append(words.strip());
                } else {
                    out.append(cursor.spaceBefore() ? words.stripLeading() : words);
                }
                continue;
            }
            if (!out.isEmpty() || !cursorLine.isBlank()) {
                out.append('\n'); // after the line the cursor ends, even when the model added nothing to it
            }
            out.append(speech.speaker() == null ? "- " : "[" + speech.speaker() + ":] ").append(speech.words().strip());
        }
        boolean addedLines = speeches.stream().anyMatch(s -> !s.continuation());
        if (addedLines && cursorLine.substring(cursor.column()).isBlank() && !cursor.nextLineBlank()) {
            out.append('\n');
        }
        return out.toString();
    }
}
