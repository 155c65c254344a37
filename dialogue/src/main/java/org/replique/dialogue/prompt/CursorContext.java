package org.replique.dialogue.prompt;

import java.util.List;

import org.replique.dialogue.document.Element;

/**
 * Where the cursor stands in the dialogue, for the prompt and for rendering the output back.
 *
 * @param line            cursor line (0-based)
 * @param column          cursor column (UTF-16 units)
 * @param kind            what the model should write there
 * @param speaker         the document's name for the speaker of a fixed or current speech, else null
 * @param speakers        that speech's individual speakers (several for a speech said together)
 * @param typed           the speech's words before the cursor (directions per the options), one line
 * @param historyEnd      the turns before the cursor are the document's turns [0, historyEnd)
 * @param scene           index of the cursor's scene in the document, or -1 for a new conversation
 * @param lastSpeaker     the document's name of the scene's last speaker before the cursor, or null
 * @param afterAction     action stands between that last speech and the cursor (Fountain's {@code (CONT'D)} case)
 * @param onCueLine       the cursor is on the cue's line, after the name
 * @param partAtCursor    the speech part the cursor touches or follows (a parenthetical, a direction), or null
 * @param spaceBefore     the character before the cursor is a space (or the cursor starts its line)
 * @param blankLineBefore the line above the cursor's is blank or absent
 * @param nextLineBlank   the line below the cursor's is blank or absent
 */
public record CursorContext(int line, int column, ContinuationKind kind, String speaker, List<String> speakers,
                            String typed, int historyEnd, int scene, String lastSpeaker, boolean afterAction,
                            boolean onCueLine, Element partAtCursor, boolean spaceBefore, boolean blankLineBefore,
                            boolean nextLineBlank) {

    public CursorContext {
        speakers = List.copyOf(speakers);
    }
}
