package org.replique.dialogue.transcript;

import java.util.List;

import org.replique.dialogue.document.Cue;
import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentBuilder;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Lines;
import org.replique.dialogue.document.TextRange;

/**
 * Parses a Claire transcript: one turn per line, conversations separated by blank lines (each
 * conversation is a scene). A line with no speaker mark continues the turn above it (wrapped
 * text), or, with nothing above, is a monologue turn.
 */
public final class TranscriptParser {
    private TranscriptParser() {}

    public static DialogueDocument parse(String text) {
        List<String> lines = Lines.split(text);
        DocumentBuilder out = new DocumentBuilder(DocumentFormat.TRANSCRIPT, lines);
        boolean conversationOpen = false;
        for (int l = 0; l < lines.size(); l++) {
            String line = lines.get(l);
            if (Lines.isBlank(line)) {
                out.endTurn();
                conversationOpen = false;
                continue;
            }
            if (!conversationOpen) {
                out.startScene(null, List.of());
                conversationOpen = true;
            }
            TranscriptLine read = TranscriptLine.read(line);
            int end = Math.max(read.textStart(), Lines.contentEnd(line));
            switch (read.kind()) {
                case NAMED -> {
                    TextRange mark = TextRange.onLine(l, read.markStart(), read.markEnd());
                    out.startTurn(Cue.simple(mark, read.name()), new Element(ElementType.CHARACTER, mark, read.name()));
                    if (read.textStart() < end) {
                        out.addPart(words(l, read.textStart(), end, line));
                    }
                }
                case DASH -> {
                    out.endTurn();
                    out.addPart(words(l, read.textStart(), end, line));
                }
                case TEXT -> out.addPart(words(l, Lines.indent(line), end, line));
            }
        }
        return out.build();
    }

    private static Element words(int line, int start, int end, String text) {
        return new Element(ElementType.DIALOGUE, TextRange.onLine(line, start, end), text.substring(start, end).strip());
    }
}
