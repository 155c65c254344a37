package org.replique.dialogue.document;

import java.util.List;

/**
 * A scene, one conversation for the model.
 *
 * @param heading the scene heading, the play's {@code SCÈNE}/{@code ACTE} line, or null (the text
 *                before the first heading; a transcript conversation)
 * @param turns   its speech turns in order
 * @param onStage the characters a play's scene heading lists ({@code SCÈNE II. Gorgibus, La Grange.}),
 *                as printed; empty when the heading lists none
 */
public record Scene(Element heading, List<Turn> turns, List<String> onStage) {

    public Scene {
        turns = List.copyOf(turns);
        onStage = List.copyOf(onStage);
    }
}
