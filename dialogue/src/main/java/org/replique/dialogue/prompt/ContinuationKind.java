package org.replique.dialogue.prompt;

import java.util.Locale;

/** What the model is expected to write at the cursor. */
public enum ContinuationKind {
    /** A new speech: the prompt ends after the last turn and a newline, so the model picks the speaker. */
    NEW_TURN,
    /** A speech by a known speaker: the prompt ends with the speaker's label ({@code [Alceste:]}). */
    FIXED_SPEAKER,
    /** The rest of a speech: the prompt ends inside the speaker's line, after what is typed so far. */
    MID_SPEECH,
    /** No dialogue belongs at the cursor (a heading, the title page, action being typed). */
    NONE;

    /** The snake-case name used in JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
