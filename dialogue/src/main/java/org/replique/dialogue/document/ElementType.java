package org.replique.dialogue.document;

import java.util.Locale;

/** What a span of a dialogue document is. Fountain, plays and transcripts share one vocabulary. */
public enum ElementType {
    // Fountain
    TITLE_ENTRY,
    SCENE_HEADING,
    ACTION,
    CHARACTER,
    PARENTHETICAL,
    DIALOGUE,
    TRANSITION,
    CENTERED,
    LYRICS,
    NOTE,
    BONEYARD,
    SECTION,
    SYNOPSIS,
    PAGE_BREAK,
    // Plays (besides CHARACTER and DIALOGUE)
    TITLE,
    CAST_LIST,
    ACT,
    SCENE,
    STAGE_DIRECTION;

    /** The snake-case name used in JSON ({@code scene_heading}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
