package org.replique.dialogue.document;

import java.util.List;

/**
 * A character cue: who speaks next.
 *
 * @param range     the cue as written (the name, its extensions, the caret)
 * @param name      the speaker as written, without {@code @}, {@code ^}, extensions or direction
 *                  ({@code STEEL}, {@code LA GRANGE}, {@code Camille});
 *                  for a speech said together, the names as printed ({@code CHICANNEAU, LA COMTESSE})
 * @param extension Fountain extensions as written, from the first {@code (} ({@code (V.O.) (CONT'D)}), or null
 * @param dual      Fountain dual dialogue ({@code ^} after a cue that follows another speech)
 * @param forced    Fountain {@code @} cue
 * @param direction a play cue's direction ({@code à part} in {@code DORANTE, à part.}), or null
 * @param speakers  the individual speakers: one name, or several for a speech said together
 */
public record Cue(TextRange range, String name, String extension, boolean dual, boolean forced,
                  String direction, List<String> speakers) {

    public Cue {
        speakers = List.copyOf(speakers);
    }

    /** A cue with one speaker and nothing else. */
    public static Cue simple(TextRange range, String name) {
        return new Cue(range, name, null, false, false, null, List.of(name));
    }
}
