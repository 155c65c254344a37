package org.replique.dialogue;

import org.replique.dialogue.document.DialogueDocument;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.fountain.FountainParser;
import org.replique.dialogue.play.PlayParser;
import org.replique.dialogue.transcript.TranscriptParser;

/** Entry point: detect a document's format and parse it. */
public final class Dialogue {
    private Dialogue() {}

    /** The format of a document from its name (may be null) and content. */
    public static DocumentFormat detectFormat(String fileName, String text) {
        return FormatDetector.detect(fileName, text);
    }

    /** Parses a document in the format its name and content suggest. */
    public static DialogueDocument parse(String fileName, String text) {
        return parse(text, detectFormat(fileName, text));
    }

    /** Parses a document in the given format. */
    public static DialogueDocument parse(String text, DocumentFormat format) {
        return switch (format) {
            case FOUNTAIN -> FountainParser.parse(text);
            case PLAY -> PlayParser.parse(text);
            case TRANSCRIPT -> TranscriptParser.parse(text);
        };
    }
}
