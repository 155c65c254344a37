package org.replique.dialogue.claire;

/** How speakers are marked in Claire's turn lines. */
public enum LabelStyle {
    /** Dash for a dash transcript, names otherwise. */
    AUTO,
    /** {@code [Alceste:] text}: names title-cased as Claire saw them in training. */
    NAMED,
    /** {@code [Intervenant 1:] text}: numbered by first appearance in the prompt. */
    INTERVENANT,
    /** {@code - text}: only for two speakers (Claire saw dashes for one or two); names are used past two. */
    DASH
}
