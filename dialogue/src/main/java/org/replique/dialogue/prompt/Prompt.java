package org.replique.dialogue.prompt;

import java.util.List;

import org.replique.dialogue.claire.LabelStyle;
import org.replique.dialogue.claire.SpeakerMap;

/**
 * A prompt for Claire at a cursor, and what is needed to turn the model's output back into the
 * document's form.
 *
 * @param text         the prompt, turns one per line; everything before {@code stableLength} does not
 *                     depend on the cursor's own line, so it stays the same while the writer types
 * @param kind         what the model is expected to write
 * @param speaker      the document's name for the fixed or current speaker, or null
 * @param speakers     the speakers of the prompt and their labels, both ways
 * @param labels       the label style used (never {@link LabelStyle#AUTO})
 * @param stableLength length of the part of {@code text} before the cursor's own turn
 * @param firstTurn    index (in the document's turns) of the first turn kept in the context
 * @param tokens       the prompt's size counted with the options' counter
 * @param cursor       where the cursor stands
 * @param chunks       the chunks of other files the prompt starts with, in their order there
 */
public record Prompt(String text, ContinuationKind kind, String speaker, SpeakerMap speakers, LabelStyle labels,
                     int stableLength, int firstTurn, int tokens, CursorContext cursor, List<ContextChunk> chunks) {

    public Prompt {
        chunks = List.copyOf(chunks);
    }
}
