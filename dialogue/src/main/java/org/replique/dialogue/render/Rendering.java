package org.replique.dialogue.render;

import java.util.List;

/**
 * The model's output in the document's form.
 *
 * @param text     what to insert at the cursor
 * @param turns    the turns rendered, in order
 * @param complete the stop rule was met (or the model ended the conversation): generating more
 *                 tokens cannot change {@code text}
 */
public record Rendering(String text, List<RenderedTurn> turns, boolean complete) {

    public Rendering {
        turns = List.copyOf(turns);
    }

    /**
     * One turn as it goes into the document.
     *
     * @param speaker the document's name for the speaker (null in a dash transcript)
     * @param words   the speech, in the document's typography
     */
    public record RenderedTurn(String speaker, String words) {
    }
}
