package org.replique.dialogue.document;

import java.util.List;

/**
 * One speech turn: a cue and what is said or done in it, in document order.
 *
 * @param cue   the cue, or null where the format names nobody (a {@code - text} transcript line,
 *              a monologue)
 * @param parts the speech's elements: {@link ElementType#DIALOGUE}, {@link ElementType#PARENTHETICAL},
 *              {@link ElementType#LYRICS}, {@link ElementType#STAGE_DIRECTION}
 * @param range from the cue (or the first part) to the end of the last part
 */
public record Turn(Cue cue, List<Element> parts, TextRange range) {

    public Turn {
        parts = List.copyOf(parts);
    }
}
