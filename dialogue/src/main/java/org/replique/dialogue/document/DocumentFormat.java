package org.replique.dialogue.document;

import java.util.Locale;

/** The three kinds of dialogue documents Réplique reads and writes. */
public enum DocumentFormat {
    /** A Fountain 1.1 screenplay. */
    FOUNTAIN,
    /** A stage play: {@code NAME. text}, {@code NAME : texte}, acts, scenes, a cast list. */
    PLAY,
    /** A Claire transcript: one turn per line as {@code - text} or {@code [Name:] text}. */
    TRANSCRIPT;

    /** The lower-case name used on the command line and in JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code id} ({@code fountain}, {@code play}, {@code transcript}). */
    public static DocumentFormat fromId(String id) {
        for (DocumentFormat format : values()) {
            if (format.id().equals(id.toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown document format: " + id);
    }
}
