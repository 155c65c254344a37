package org.replique.dialogue.render;

/**
 * Where rendering stops.
 *
 * @param kind  the rule
 * @param turns for {@link Kind#TURNS}, how many turns; 1 otherwise
 */
public record StopRule(Kind kind, int turns) {

    public enum Kind {
        /** The current or the new speech, whole: inline completion's default. */
        ONE_SPEECH,
        /**
         * One line of dialogue: the speech up to the end of its first sentence (the model writes a
         * whole speech on one line, so a sentence is the line a writer reads and accepts).
         */
        ONE_LINE,
        /** Several turns, for a generate-dialogue command. */
        TURNS
    }

    public StopRule {
        if (turns < 1) {
            throw new IllegalArgumentException("at least one turn");
        }
    }

    public static final StopRule ONE_SPEECH = new StopRule(Kind.ONE_SPEECH, 1);
    public static final StopRule ONE_LINE = new StopRule(Kind.ONE_LINE, 1);

    public static StopRule turns(int count) {
        return new StopRule(Kind.TURNS, count);
    }
}
