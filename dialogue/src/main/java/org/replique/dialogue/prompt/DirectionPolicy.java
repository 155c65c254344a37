package org.replique.dialogue.prompt;

/** What becomes of parentheticals and stage directions inside speeches. */
public enum DirectionPolicy {
    /** Left out: Claire was trained on speech without directions. */
    DROP,
    /** Kept inline, in parentheses: {@code [Alceste:] (À Philinte.) Laissez-moi}. */
    KEEP
}
