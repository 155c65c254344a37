package org.replique.dialogue.prompt;

import org.replique.dialogue.claire.ClaireText;
import org.replique.dialogue.document.DocumentFormat;
import org.replique.dialogue.document.Element;
import org.replique.dialogue.document.ElementType;
import org.replique.dialogue.document.Turn;
import org.replique.dialogue.fountain.Emphasis;

/** The words of a speech on one line, as Claire reads them: verse joined, emphasis markers gone, directions per the policy. */
public final class TurnText {
    private TurnText() {}

    public static String of(Turn turn, DocumentFormat format, DirectionPolicy directions) {
        StringBuilder text = new StringBuilder();
        for (Element part : turn.parts()) {
            String piece = switch (part.type()) {
                case DIALOGUE, LYRICS -> format == DocumentFormat.FOUNTAIN ? Emphasis.strip(part.text()) : part.text();
                case PARENTHETICAL -> directions == DirectionPolicy.KEEP ? part.text() : "";
                case STAGE_DIRECTION -> directions == DirectionPolicy.KEEP ? "(" + part.text() + ")" : "";
                default -> "";
            };
            if (!piece.isBlank()) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(piece);
            }
        }
        return ClaireText.normalize(text.toString());
    }

    static boolean isSpeech(Element part) {
        return part.type() == ElementType.DIALOGUE || part.type() == ElementType.LYRICS;
    }
}
